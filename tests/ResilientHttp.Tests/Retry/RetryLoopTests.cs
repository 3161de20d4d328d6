using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.Retry;

/// <summary>R1, R9, R10 and hedging's gate in the loop itself, on a fake clock: how a call ends, what it draws and makes, how often it waits for a pause.</summary>
public sealed class RetryLoopTests
{
    private static readonly CallFacts Facts = new(RetriesAllowed: true, SafeToResend: true, BodyReplayable: true);
    private readonly FakeTimeProvider _time = new();
    private readonly HostState _host;
    private readonly ResilientHttpOptions _options = new() { AttemptTimeout = null, TotalTimeout = null };

    public RetryLoopTests()
    {
        _host = new HostState("https://a.test:443", 3, _time.GetTimestamp());
        _options.Retry.JitterFactor = 0;
    }

    [Theory]
    [InlineData(200, 1, "Succeeded")]
    [InlineData(204, 1, "Succeeded")]
    [InlineData(399, 1, "Succeeded")]
    [InlineData(400, 1, "Answered")]
    [InlineData(404, 1, "Answered")]
    [InlineData(200, 2, "Recovered")]
    [InlineData(404, 2, "Answered")]
    public void Completed_AFinalAnswer_EndsTheCallAsItWasAnswered(int status, int attempts, string ending)
    {
        RetryLoop loop = Loop();
        for (int i = 1; i < attempts; i++)
        {
            loop.BeforeSend(_time.GetTimestamp());
            loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp()).Action.ShouldBe(LoopAction.Wait);
        }

        loop.BeforeSend(_time.GetTimestamp()).Action.ShouldBe(LoopAction.Send);
        LoopStep stop = loop.Completed(AttemptOutcome.Status(status), _time.GetTimestamp());

        stop.Action.ShouldBe(LoopAction.Stop);
        stop.Ending.ToString().ShouldBe(ending);
    }

    [Fact]
    public void BeforeSend_FirstAttemptToAHostWithNoPause_DrawsNoRandomNumber()
    {
        var random = new CountingRandom();
        RetryLoop loop = Loop(random);

        loop.BeforeSend(_time.GetTimestamp()).Action.ShouldBe(LoopAction.Send);

        random.Draws.ShouldBe(0);
    }

    [Fact]
    public void BeforeSend_FirstAttemptToAHostWhosePauseIsOver_DrawsNoRandomNumber()
    {
        var random = new CountingRandom();
        _host.Pacing.HoldUntil(_time.GetTimestamp(), WaitSource.RetryAfter);
        RetryLoop loop = Loop(random);

        loop.BeforeSend(_time.GetTimestamp()).Action.ShouldBe(LoopAction.Send);

        random.Draws.ShouldBe(0);
    }

    [Fact]
    public void BeforeSend_APauseLengthenedWhileTheCallWaitedForIt_IsNotWaitedForTwice()
    {
        _host.Pacing.HoldUntil(_time.GetTimestamp() + Timestamps.From(TimeSpan.FromSeconds(1), _time), WaitSource.RetryAfter);
        RetryLoop loop = Loop();
        LoopStep wait = loop.BeforeSend(_time.GetTimestamp());
        wait.Action.ShouldBe(LoopAction.Wait);
        _time.Advance(wait.Delay);

        // Another call was told to pause again meanwhile: this one waited once, and goes.
        _host.Pacing.HoldUntil(_time.GetTimestamp() + Timestamps.From(TimeSpan.FromSeconds(5), _time), WaitSource.RetryAfter);

        loop.BeforeSend(_time.GetTimestamp()).Action.ShouldBe(LoopAction.Send);
    }

    [Fact]
    public void Completed_ASuccess_MakesNoBudget()
    {
        RetryLoop loop = Loop();
        loop.BeforeSend(_time.GetTimestamp());

        loop.Completed(AttemptOutcome.Status(200), _time.GetTimestamp());

        _host.BudgetIfUsed.ShouldBeNull();
    }

    [Fact]
    public void Completed_BreakerOffOverACircuitOpenedBeforeIt_Retries()
    {
        var breaker = new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(30), BreakJitterFactor = 0 };
        _host.Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), breaker, _time, RandomSource.Shared);
        _host.Circuit.State.ShouldBe(CircuitState.Open);
        _options.CircuitBreaker.Enabled = false;
        RetryLoop loop = Loop();
        loop.BeforeSend(_time.GetTimestamp());

        LoopStep step = loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp());

        step.Action.ShouldBe(LoopAction.Wait);
        step.IsRetry.ShouldBeTrue();
    }

    [Fact]
    public void TryHedge_AHostWhosePauseIsOver_MayBeHedged()
    {
        _host.Pacing.HoldUntil(_time.GetTimestamp(), WaitSource.RetryAfter);
        RetryLoop loop = Loop(facts: Facts with { Hedgeable = true });
        loop.BeforeSend(_time.GetTimestamp());

        loop.TryHedge(_time.GetTimestamp()).ShouldBeTrue();
    }

    [Fact]
    public void TryHedge_AHostStillPaused_IsNotHedged()
    {
        _host.Pacing.HoldUntil(_time.GetTimestamp() + 1, WaitSource.RetryAfter);
        RetryLoop loop = Loop(facts: Facts with { Hedgeable = true });

        loop.TryHedge(_time.GetTimestamp()).ShouldBeFalse();
    }

    private RetryLoop Loop(RandomSource? random = null, CallFacts? facts = null) =>
        new(_options, _host, facts ?? Facts, _time.GetTimestamp(), _time, random ?? RandomSource.Shared);

    private sealed class CountingRandom : RandomSource
    {
        public int Draws { get; private set; }

        public override double NextDouble()
        {
            Draws++;
            return 0.5;
        }
    }
}
