using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>C2–C4, C7: the state machine of one host's circuit, driven by a fake clock through every transition.</summary>
public sealed class CircuitTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreakerOptions _options = new() { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(30), MaxBreakDuration = TimeSpan.FromMinutes(10), BreakJitterFactor = 0 };
    private readonly Circuit _sut = new();

    private CircuitPermit Enter() => _sut.TryEnter(_time.GetTimestamp(), _time, out _, out _);

    private CircuitTransition Report(BreakerVerdict verdict, CircuitPermit permit = CircuitPermit.Pass) =>
        _sut.Report(permit, verdict, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition;

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
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, clock.GetTimestamp(), clock.GetTimestamp(), _options, clock, RandomSource.Shared);
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
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), lenient, _time, RandomSource.Shared).Transition.ShouldBe(CircuitTransition.None);
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

        _time.Advance(TimeSpan.FromSeconds(10));
        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.FromSeconds(20), "the probe in flight is overdue once it has had a whole break");
    }

    [Fact]
    public void TryEnter_ProbeInFlightForAWholeBreak_ReleasesTheCircuit()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Enter().ShouldBe(CircuitPermit.Probe);
        _time.Advance(TimeSpan.FromSeconds(29.999));
        Enter().ShouldBe(CircuitPermit.Refused);
        _sut.BlockedFor(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromMilliseconds(1));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        _sut.TryEnter(_time.GetTimestamp(), _time, out _, out CircuitTransition first).ShouldBe(CircuitPermit.Pass);
        _sut.TryEnter(_time.GetTimestamp(), _time, out _, out CircuitTransition second).ShouldBe(CircuitPermit.Pass);

        first.ShouldBe(CircuitTransition.ProbeOverdue);
        second.ShouldBe(CircuitTransition.None, "the release is reported once");
        _sut.State.ShouldBe(CircuitState.HalfOpen);
        _sut.BlockedFor(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Report_CallLetThroughByAnOverdueProbeSucceeds_ClosesTheCircuit()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit released = Enter();

        Report(BreakerVerdict.Success, released).ShouldBe(CircuitTransition.Closed);

        _sut.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public void Report_CallLetThroughByAnOverdueProbeFails_LeavesTheDecisionToTheProbe()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        long probeSent = _time.GetTimestamp();
        CircuitPermit probe = Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit released = Enter();

        for (int i = 0; i < 5; i++)
        {
            Report(BreakerVerdict.Failure, released).ShouldBe(CircuitTransition.None);
        }

        _sut.State.ShouldBe(CircuitState.HalfOpen);
        _sut.Report(probe, BreakerVerdict.Failure, probeSent, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition.ShouldBe(CircuitTransition.Reopened);
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(60));
        Enter().ShouldBe(CircuitPermit.Refused);
    }

    [Fact]
    public void Report_OverdueProbeAnsweredLate_ClosesTheCircuit()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        Enter().ShouldBe(CircuitPermit.Pass);
        _time.Advance(TimeSpan.FromSeconds(5));

        Report(BreakerVerdict.Success, probe).ShouldBe(CircuitTransition.Closed);
    }

    [Fact]
    public void TryEnter_AfterAReleasedCircuitReopens_RefusesUntilTheNextBreakEnds()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        long probeSent = _time.GetTimestamp();
        CircuitPermit probe = Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        Enter().ShouldBe(CircuitPermit.Pass);
        _sut.Report(probe, BreakerVerdict.Failure, probeSent, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition.ShouldBe(CircuitTransition.Reopened);

        _time.Advance(TimeSpan.FromSeconds(59));
        Enter().ShouldBe(CircuitPermit.Refused);
        _time.Advance(TimeSpan.FromSeconds(1));
        _sut.TryEnter(_time.GetTimestamp(), _time, out _, out CircuitTransition transition).ShouldBe(CircuitPermit.Probe);
        transition.ShouldBe(CircuitTransition.HalfOpened);
        _time.Advance(TimeSpan.FromSeconds(60));
        _sut.TryEnter(_time.GetTimestamp(), _time, out _, out CircuitTransition again).ShouldBe(CircuitPermit.Pass);
        again.ShouldBe(CircuitTransition.ProbeOverdue, "each opening's release is reported");
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
    public void Report_ProbeFailed_ReopensForTwiceTheLastBreak()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();

        Report(BreakerVerdict.Failure, probe).ShouldBe(CircuitTransition.Reopened);

        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Report_ProbesFailingInARow_DoubleTheBreakUpToMaxBreakDuration()
    {
        _options.MaxBreakDuration = TimeSpan.FromSeconds(100);
        Open();
        var breaks = new List<TimeSpan>();
        for (int probe = 0; probe < 4; probe++)
        {
            _time.Advance(_sut.RemainingBreak(_time.GetTimestamp(), _time));
            CircuitReport report = _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared);
            report.Transition.ShouldBe(CircuitTransition.Reopened);
            breaks.Add(report.Break);
        }

        breaks.ShouldBe([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(100)]);
        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(100));
    }

    [Fact]
    public void Report_ProbeSucceedsAfterGrownBreaks_TheNextOpeningBreaksForBreakDurationAgain()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Report(BreakerVerdict.Failure, Enter());
        _time.Advance(TimeSpan.FromSeconds(60));

        Report(BreakerVerdict.Success, Enter()).ShouldBe(CircuitTransition.Closed);
        Open();

        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(30));
        _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared).Break.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Report_MaxBreakDurationAtOrBelowBreakDuration_BreaksNeverGrow()
    {
        _options.MaxBreakDuration = TimeSpan.FromSeconds(10);
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));

        _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared).Break.ShouldBe(TimeSpan.FromSeconds(30));

        _sut.RemainingBreak(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Report_ProbeAbandonedThenFailed_DoublesTheBreakItHadNotTheFirst()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Report(BreakerVerdict.Failure, Enter());
        _time.Advance(TimeSpan.FromSeconds(60));
        Report(BreakerVerdict.Abandoned, Enter()).ShouldBe(CircuitTransition.ProbeAbandoned);

        _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared).Break.ShouldBe(TimeSpan.FromSeconds(120));
    }

    [Theory]
    [InlineData(30, 120, 30, 60)]
    [InlineData(30, 120, 60, 120)]
    [InlineData(30, 120, 90, 120)]
    [InlineData(30, 120, 120, 120)]
    [InlineData(30, 30, 30, 30)]
    [InlineData(30, 10, 30, 30)]
    [InlineData(30, 120, 10, 30)] // a reload raised BreakDuration above the last break
    [InlineData(30, 120, 200, 120)] // a reload lowered MaxBreakDuration below the last break
    public void NextBreak_AfterAFailedProbe_IsTwiceTheLastWithinBreakDurationAndMaxBreakDuration(int first, int longest, int last, int expected)
    {
        var options = new CircuitBreakerOptions { BreakDuration = TimeSpan.FromSeconds(first), MaxBreakDuration = TimeSpan.FromSeconds(longest) };

        Circuit.NextBreak(TimeSpan.FromSeconds(last), options).ShouldBe(TimeSpan.FromSeconds(expected));
    }

    [Fact]
    public void NextBreak_ExactlyHalfAnOddLongestBreak_IsDoubledNotCapped()
    {
        var options = new CircuitBreakerOptions { BreakDuration = TimeSpan.FromMilliseconds(1), MaxBreakDuration = TimeSpan.FromTicks(30_000_001) };

        Circuit.NextBreak(TimeSpan.FromTicks(15_000_000), options).ShouldBe(TimeSpan.FromTicks(30_000_000));
        Circuit.NextBreak(TimeSpan.FromTicks(15_000_001), options).ShouldBe(TimeSpan.FromTicks(30_000_001));
    }

    [Fact]
    public void NextBreak_LongestPossibleBreak_DoesNotOverflow()
    {
        var options = new CircuitBreakerOptions { BreakDuration = TimeSpan.FromDays(1), MaxBreakDuration = TimeSpan.MaxValue };

        Circuit.NextBreak(TimeSpan.MaxValue, options).ShouldBe(TimeSpan.MaxValue);
    }

    [Theory]
    [InlineData(0.0, 24)]
    [InlineData(0.25, 27)]
    [InlineData(0.5, 30)]
    [InlineData(0.75, 33)]
    public void Report_BreakJitterFactor_SpreadsEachBreakUniformlyAroundItsNominalLength(double draw, int expectedSeconds)
    {
        _options.BreakJitterFactor = 0.2;
        for (int i = 0; i < _options.FailureThreshold - 1; i++)
        {
            Report(BreakerVerdict.Failure);
        }

        CircuitReport report = _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, new FixedRandom(draw));

        report.Break.ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
        _sut.TryEnter(_time.GetTimestamp(), _time, out TimeSpan retryAfter, out _).ShouldBe(CircuitPermit.Refused);
        retryAfter.ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Fact]
    public void Report_BreakJitterOnAReopen_SpreadsTheDoubledBreakAndDoublesTheNominalNotTheSpreadOne()
    {
        _options.BreakJitterFactor = 0.5;
        var random = new FixedRandom(0.0);
        for (int i = 0; i < _options.FailureThreshold; i++)
        {
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, random);
        }

        _time.Advance(TimeSpan.FromSeconds(15));
        CircuitReport first = _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, random);
        _time.Advance(first.Break);
        CircuitReport second = _sut.Report(Enter(), BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, random);

        first.Break.ShouldBe(TimeSpan.FromSeconds(30));  // nominal 60 s, spread to half
        second.Break.ShouldBe(TimeSpan.FromSeconds(60)); // nominal 120 s, not 2 × 30 s spread again
    }

    [Fact]
    public void Report_ManyCircuitsOpeningAtOnce_ProbeAtTimesSpreadOverTheWholeJitterRange()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(10), BreakJitterFactor = 0.2 };
        var random = new RandomSource();
        TimeSpan[] breaks = [.. Enumerable.Range(0, 1000).Select(_ =>
            new Circuit().Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), options, _time, random).Break)];

        breaks.ShouldAllBe(b => b >= TimeSpan.FromSeconds(8) && b < TimeSpan.FromSeconds(12));
        breaks.Min().ShouldBeLessThan(TimeSpan.FromSeconds(8.2));
        breaks.Max().ShouldBeGreaterThan(TimeSpan.FromSeconds(11.8));
        breaks.Distinct().Count().ShouldBeGreaterThan(900);
        breaks.Count(b => b < TimeSpan.FromSeconds(10)).ShouldBeInRange(400, 600);
    }

    [Fact]
    public void Report_BreakJitterFactorZero_GivesExactBreaks()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(10), BreakJitterFactor = 0 };

        new Circuit().Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), options, _time, new FixedRandom(0.0)).Break
            .ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Report_FailuresOfAttemptsSentBeforeTheLatestSuccess_DoNotCountTowardOpening()
    {
        long sentDuringTheBlip = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(2));
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared);
        _time.Advance(TimeSpan.FromSeconds(8));

        for (int i = 0; i < 10; i++)
        {
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, sentDuringTheBlip, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition
                .ShouldBe(CircuitTransition.None);
        }

        _sut.State.ShouldBe(CircuitState.Closed);
        _sut.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public void Report_FailuresOfAttemptsSentAfterTheLatestSuccess_StillOpen()
    {
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, _time.GetTimestamp(), _time.GetTimestamp(), _options, _time, RandomSource.Shared);
        _time.Advance(TimeSpan.FromSeconds(1));
        long sentAfter = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(10));

        CircuitTransition[] transitions = [.. Enumerable.Range(0, 3).Select(_ =>
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, sentAfter, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition)];

        transitions.ShouldBe([CircuitTransition.None, CircuitTransition.None, CircuitTransition.Opened]);
    }

    [Fact]
    public void Report_FailureSentJustBeforeASuccessOnANanosecondClock_IsStale()
    {
        var clock = new NanosecondClock();
        long sent = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromMilliseconds(5));
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, clock.GetTimestamp(), clock.GetTimestamp(), _options, clock, RandomSource.Shared);
        clock.Advance(TimeSpan.FromSeconds(10));

        for (int i = 0; i < 3; i++)
        {
            _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, sent, clock.GetTimestamp(), _options, clock, RandomSource.Shared);
        }

        _sut.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public void Report_SuccessesWithinAMillisecondOfTheRecordedOne_AreNotRecordedSoAFailureBetweenThemStillCounts()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, BreakJitterFactor = 0 };
        long granularity = _time.TimestampFrequency >> 10;
        long first = _time.GetTimestamp();
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, first, first, options, _time, RandomSource.Shared);
        _time.Advance(TimeSpan.FromTicks(granularity));
        long second = _time.GetTimestamp();
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, second, second, options, _time, RandomSource.Shared);

        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, second - 1, second, options, _time, RandomSource.Shared).Transition
            .ShouldBe(CircuitTransition.Opened, "the second success was within the granularity of the first: not recorded");
    }

    [Fact]
    public void Report_SuccessJustPastTheGranularity_IsRecordedAndMakesAnEarlierSentFailureStale()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, BreakJitterFactor = 0 };
        long granularity = _time.TimestampFrequency >> 10;
        long first = _time.GetTimestamp();
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, first, first, options, _time, RandomSource.Shared);
        _time.Advance(TimeSpan.FromTicks(granularity + 1));
        long second = _time.GetTimestamp();
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Success, second, second, options, _time, RandomSource.Shared);

        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, second - 1, second, options, _time, RandomSource.Shared).Transition
            .ShouldBe(CircuitTransition.None);
    }

    [Fact]
    public void Report_ProbeOfAnEarlierOpeningFailsWhileANewProbeIsOut_DecidesNothing()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        long oldSent = _time.GetTimestamp();
        CircuitPermit old = Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        Report(BreakerVerdict.Success, Enter()).ShouldBe(CircuitTransition.Closed); // a released call answered
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Enter().ShouldBe(CircuitPermit.Probe);

        _sut.Report(old, BreakerVerdict.Failure, oldSent, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition.ShouldBe(CircuitTransition.None);

        _sut.State.ShouldBe(CircuitState.HalfOpen, "the new probe decides");
    }

    [Theory]
    [InlineData((int)BreakerVerdict.Failure)]
    [InlineData((int)BreakerVerdict.Success)]
    public void Report_OverdueProbeEndsAfterACallItReleasedClosedTheCircuit_ChangesNothing(int verdictValue)
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        long probeSent = _time.GetTimestamp();
        CircuitPermit probe = Enter();
        _time.Advance(TimeSpan.FromSeconds(30));
        Report(BreakerVerdict.Success, Enter()).ShouldBe(CircuitTransition.Closed);

        _sut.Report(probe, (BreakerVerdict)verdictValue, probeSent, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition.ShouldBe(CircuitTransition.None);

        _sut.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public void Report_StaleFailuresBetweenFreshOnes_NeitherCountNorResetTheCount()
    {
        long stale = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        Report(BreakerVerdict.Success);
        _time.Advance(TimeSpan.FromSeconds(1));

        Report(BreakerVerdict.Failure);
        _sut.Report(CircuitPermit.Pass, BreakerVerdict.Failure, stale, _time.GetTimestamp(), _options, _time, RandomSource.Shared);
        Report(BreakerVerdict.Failure);

        _sut.ConsecutiveFailures.ShouldBe(2);
        Report(BreakerVerdict.Failure).ShouldBe(CircuitTransition.Opened);
    }

    [Fact]
    public void Report_ProbeSentAfterAnOldCallsSuccessFails_StillReopens()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        CircuitPermit probe = Enter();
        long probeSent = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        Report(BreakerVerdict.Success); // an attempt from before the opening answers late

        _sut.Report(probe, BreakerVerdict.Failure, probeSent, _time.GetTimestamp(), _options, _time, RandomSource.Shared).Transition
            .ShouldBe(CircuitTransition.Reopened);
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
