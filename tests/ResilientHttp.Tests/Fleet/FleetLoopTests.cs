using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.Fleet;

/// <summary>S3 in the retry loop: a retry with a stale lease asks the fleet, within the call's deadline, and the time asking is part of the wait.</summary>
public sealed class FleetLoopTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AStaleLease_AsksTheFleet_ThenTheSameOutcomeIsRetried_TheAskPartOfTheWait()
    {
        (RetryLoop loop, FleetShare share) = Loop(total: null);
        loop.BeforeSend(_time.GetTimestamp());

        LoopStep ask = loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp());
        ask.Action.ShouldBe(LoopAction.Ask);
        ask.Delay.ShouldBe(TimeSpan.FromMilliseconds(250));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        LoopStep retry = loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp());

        retry.Action.ShouldBe(LoopAction.Wait);
        retry.IsRetry.ShouldBeTrue();
        retry.Delay.ShouldBe(TimeSpan.FromMilliseconds(800), "the 1 s backoff, less the 200 ms spent asking");
        share.TakeReport().Spent.ShouldBe(1);
    }

    [Fact]
    public void AnAskThatGetsNoAnswer_IsDecidedByTheLocalBudget()
    {
        (RetryLoop loop, FleetShare share) = Loop(total: null);
        loop.BeforeSend(_time.GetTimestamp());
        loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp()).Action.ShouldBe(LoopAction.Ask);
        _time.Advance(TimeSpan.FromMilliseconds(250));

        LoopStep retry = loop.Completed(AttemptOutcome.Status(503), _time.GetTimestamp());

        retry.Action.ShouldBe(LoopAction.Wait);
        share.Host.BudgetIfUsed.ShouldNotBeNull().Tokens.ShouldBe(2);
    }

    [Fact]
    public void TheAsk_NeverOutlastsTheCallsDeadline()
    {
        (RetryLoop loop, _) = Loop(total: TimeSpan.FromSeconds(10));
        loop.BeforeSend(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(9_900));

        LoopStep ask = loop.Completed(AttemptOutcome.Status(429, retryAfter: TimeSpan.Zero), _time.GetTimestamp());

        ask.Action.ShouldBe(LoopAction.Ask);
        ask.Delay.ShouldBe(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void APauseIsRecordedOnce_ThoughTheOutcomeIsDecidedTwice()
    {
        var store = new CountingStore();
        (RetryLoop loop, FleetShare share) = Loop(total: null, store);
        loop.BeforeSend(_time.GetTimestamp());

        loop.Completed(AttemptOutcome.Status(503, retryAfter: TimeSpan.FromSeconds(2)), _time.GetTimestamp()).Action.ShouldBe(LoopAction.Ask);
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        loop.Completed(AttemptOutcome.Status(503, retryAfter: TimeSpan.FromSeconds(2)), _time.GetTimestamp()).Action.ShouldBe(LoopAction.Wait);

        store.Published.ShouldBe(1);
    }

    [Fact]
    public void ASuccessfulCall_EarnsTheFleetItsShare()
    {
        (RetryLoop loop, FleetShare share) = Loop(total: null);
        loop.BeforeSend(_time.GetTimestamp());

        LoopStep stop = loop.Completed(AttemptOutcome.Status(200), _time.GetTimestamp());

        stop.Ending.ShouldBe(CallEnding.Succeeded);
        share.TakeReport().Earned.ShouldBe(new ResilientHttpOptions().Retry.Budget.Ratio);
    }

    [Fact]
    public void AFleetGrantThisProcessCannotPay_IsGivenBackToTheLease()
    {
        var host = new HostState("https://a.test:443", 1, _time.GetTimestamp());
        FleetShare share = new CountingStore().Join("api", host, 1, _time);
        host.Fleet = share;
        share.Answered(balance: 3, leaseSize: 2, TimeSpan.FromSeconds(5));
        host.Budget.Withdraw(FleetAsk.NoWait).ShouldBe(FleetVerdict.Granted); // the local bucket (capacity 1) is now empty
        int lease = share.Lease;
        lease.ShouldBe(1);

        host.Budget.Withdraw(FleetAsk.NoWait).ShouldBe(FleetVerdict.Denied);

        share.Lease.ShouldBe(lease, "the fleet's token went back");
    }

    private (RetryLoop Loop, FleetShare Share) Loop(TimeSpan? total, CountingStore? store = null)
    {
        var options = new ResilientHttpOptions { TotalTimeout = total, AttemptTimeout = null };
        options.Retry.JitterFactor = 0;
        var host = new HostState("https://a.test:443", 3, _time.GetTimestamp());
        FleetShare share = (store ?? new CountingStore()).Join("api", host, 3, _time);
        host.Fleet = share;
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(6)); // stale
        var facts = new CallFacts(RetriesAllowed: true, SafeToResend: true, BodyReplayable: true);
        return (new RetryLoop(options, host, facts, _time.GetTimestamp(), _time, RandomSource.Shared), share);
    }

    private sealed class CountingStore : FleetStore
    {
        public int Published { get; private set; }

        public override void Enlist(FleetShare share, bool urgent)
        {
        }

        public override void Publish(FleetShare share, TimeSpan hold, WaitSource source) => Published++;
    }
}
