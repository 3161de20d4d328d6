using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>C2–C4, C7: the state machine of one host's circuit, driven by a fake clock through every transition.</summary>
public sealed class CircuitTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreakerOptions _options = new() { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(30) };
    private readonly Circuit _sut = new();

    private CircuitPermit Enter() => _sut.TryEnter(_time.GetTimestamp(), _time, out _, out _);

    private CircuitTransition Report(BreakerVerdict verdict, CircuitPermit permit = CircuitPermit.Pass) =>
        _sut.Report(permit, verdict, _time.GetTimestamp(), _options, _time);

    private void Open()
    {
        for (int i = 0; i < _options.FailureThreshold; i++)
        {
            Report(BreakerVerdict.Failure);
        }

        _sut.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public void TryEnter_Closed_LetsTheCallPass()
    {
        Enter().ShouldBe(CircuitPermit.Pass);
    }

    [Fact]
    public void Report_ThresholdConsecutiveFailures_OpensTheCircuit()
    {
        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.None);
        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.None);
        _sut.State.ShouldBe(CircuitState.Closed);

        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.Opened);

        _sut.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public void Report_SuccessBetweenFailures_ResetsTheCount()
    {
        Report(BreakerVerdict.Failure);
        Report(BreakerVerdict.Failure);
        Report(BreakerVerdict.Success);
        Report(BreakerVerdict.Failure);
        Report(BreakerVerdict.Failure);

        _sut.State.ShouldBe(CircuitState.Closed);
        _sut.ConsecutiveFailures.ShouldBe(2);
    }

    [Theory]
    [InlineData((int)BreakerVerdict.Neutral)]
    [InlineData((int)BreakerVerdict.Abandoned)]
    public void Report_NeutralOrAbandoned_NeitherResetsNorCounts(int verdictValue)
    {
        var verdict = (BreakerVerdict)verdictValue;
        Report(BreakerVerdict.Failure);
        Report(BreakerVerdict.Failure);
        Report(verdict);
        _sut.ConsecutiveFailures.ShouldBe(2);

        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.Opened);
    }

    [Fact]
    public void TryEnter_Open_RefusesUntilTheBreakEndsAndSaysWhen()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(10));

        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);

        retryAfter.ShouldBe(TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(19.999));
        Enter().ShouldBe(CircuitPermit.Refused);
    }

    [Fact]
    public void TryEnter_ClockCountingNanoseconds_RefusesForExactlyTheBreak()
    {
        var clock = new NanosecondClock();
        for (int i = 0; i < _options.FailureThreshold; i++)
        {
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, clock.GetTimestamp(), _options, clock);
        }

        clock.Advance(TimeSpan.FromSeconds(10));
        _sut.TryEnter(clock.GetTimestamp(), clock, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.FromSeconds(20));
        _sut.BlockedFor(clock.GetTimestamp(), clock).ShouldBe(TimeSpan.FromSeconds(20));

        clock.Advance(TimeSpan.FromSeconds(20));
        _sut.TryEnter(clock.GetTimestamp(), clock, out _, out _).ShouldBe(CircuitPermit.Probe);
    }

    [Fact]
    public void RemainingBreak_OpenCircuitWhoseBreakIsOver_IsZero()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(10));
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(20));

        _time.Advance(TimeSpan.FromSeconds(25));

        _sut.State.ShouldBe(CircuitState.Open);
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.Zero);
        _sut.BlockedFor(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void RemainingBreak_HalfOpenAndClosedAgain_IsZero()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.Zero);

        Report(BreakerVerdict.Success, probe);

        _sut.State.ShouldBe(CircuitState.Closed);
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Report_ThresholdLoweredBelowTheCount_OpensAtTheNextFailure()
    {
        var lenient = new CircuitBreakerOptions { FailureThreshold = 10, BreakDuration = _options.BreakDuration };
        for (int i = 0; i < 5; i++)
        {
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), lenient, _time).ShouldBe(CircuitTransition.None);
        }

        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.Opened);

        _sut.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public void TryEnter_AfterTheBreak_GivesExactlyOneProbeAndRefusesTheRest()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));

        _sut.TryEnter(_time.GetTimestamp(), _time, out _, out CircuitTransition transition).ShouldBe(CircuitPermit.Probe);
        transition.ShouldBe(CircuitTransition.HalfOpened);
        _sut.State.ShouldBe(CircuitState.HalfOpen);

        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData((int)BreakerVerdict.Success)]
    [InlineData((int)BreakerVerdict.Neutral)]
    public void Report_ProbeAnswered_ClosesTheCircuit(int verdictValue)
    {
        var verdict = (BreakerVerdict)verdictValue;
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();

        Report(verdict, probe).ShouldBe(CircuitTransition.Closed);

        _sut.State.ShouldBe(CircuitState.Closed);
        Enter().ShouldBe(CircuitPermit.Pass);
        _sut.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public void Report_ProbeFailed_ReopensForAnotherFullBreak()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();

        Report(BreakerVerdict.Failure, probe).ShouldBe(CircuitTransition.Reopened);

        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Report_ProbeAbandoned_LetsTheNextCallProbeAtOnce()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();

        Report(BreakerVerdict.Abandoned, probe).ShouldBe(CircuitTransition.ProbeAbandoned);

        _sut.State.ShouldBe(CircuitState.Open);
        Enter().ShouldBe(CircuitPermit.Probe);
    }

    [Fact]
    public void Report_FailureOfACallStartedBeforeTheCircuitOpened_DoesNotExtendTheBreak()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(20));

        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.None);

        _time.Advance(TimeSpan.FromSeconds(10));
        Enter().ShouldBe(CircuitPermit.Probe);
    }

    [Fact]
    public void Report_SuccessOfAnOldCallWhileOpen_DoesNotCloseTheCircuit()
    {
        Open();

        Report(BreakerVerdict.Success);

        _sut.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public void TryEnter_ManyCallersAtTheHalfOpenMoment_ExactlyOneProbes()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        const int callers = 64;

        CircuitPermit[] permits = Concurrently.Run(callers, _ => Enter());

        permits.Count(p => p == CircuitPermit.Probe).ShouldBe(1);
        permits.Count(p => p == CircuitPermit.Refused).ShouldBe(callers - 1);
    }

    [Fact]
    public void Report_ManyConcurrentFailures_OpenTheCircuitExactlyOnce()
    {
        const int callers = 64;

        CircuitTransition[] transitions = Concurrently.Run(callers, _ => Report(BreakerVerdict.Failure));

        transitions.Count(t => t == CircuitTransition.Opened).ShouldBe(1);
        _sut.State.ShouldBe(CircuitState.Open);
    }
}
