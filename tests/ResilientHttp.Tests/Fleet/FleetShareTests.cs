using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.Fleet;

/// <summary>One process's share of the fleet's budget, as plain code: every verdict, the report, the answer, the loss.</summary>
public sealed class FleetShareTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingStore _store = new();

    [Fact]
    public void BeforeTheStoreAnswers_TheLocalBudgetDecides_AndTheStoreIsAskedAtOnce()
    {
        FleetShare share = Share();

        share.TryTake(FleetAsk.MayWait).ShouldBe(FleetVerdict.Local);

        _store.Urgent.ShouldBe(1);
        share.IsShared.ShouldBeFalse();
    }

    [Fact]
    public void AFreshLease_GrantsTheRetry_CountsIt_AndItsLastTokenAsksAgain()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 2, TimeSpan.FromSeconds(5));

        share.TryTake().ShouldBe(FleetVerdict.Granted);
        _store.Urgent.ShouldBe(0);
        share.TryTake().ShouldBe(FleetVerdict.Granted);
        _store.Urgent.ShouldBe(1);

        // Past the lease, while the answer is on its way: still the fleet's retry, on the local bucket, counted.
        share.TryTake().ShouldBe(FleetVerdict.Granted);
        share.TakeReport().ShouldBe(new FleetReport(0, 3));
    }

    [Fact]
    public void AnAnswerThatFoundTheFleetSpent_RefusesEvenARetryThatMayWait()
    {
        FleetShare share = Share();
        share.Answered(balance: 0.9, leaseSize: 2, TimeSpan.FromSeconds(5));

        share.TryTake(FleetAsk.MayWait).ShouldBe(FleetVerdict.Denied);

        share.TakeReport().Spent.ShouldBe(0);
        _store.Enlisted.ShouldBe(1);
        _store.Urgent.ShouldBe(0, "the next flush brings news: a refusal is no round trip");
    }

    [Theory]
    [InlineData((int)FleetAsk.MayWait, (int)FleetVerdict.Pending)]
    [InlineData((int)FleetAsk.Waited, (int)FleetVerdict.Local)]
    [InlineData((int)FleetAsk.NoWait, (int)FleetVerdict.Denied)]
    public void AStaleLease_AsksTheStore_AndTheVerdictDependsOnWhetherTheRetryMayWait(int asked, int verdict)
    {
        var ask = (FleetAsk)asked;
        var expected = (FleetVerdict)verdict;
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 2, TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));

        share.TryTake(ask).ShouldBe(expected);

        _store.Urgent.ShouldBe(1);
        share.TakeReport().Spent.ShouldBe(0);
    }

    [Fact]
    public void ALeaseJustUnderItsDuration_IsFresh()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 2, TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));

        share.TryTake(FleetAsk.MayWait).ShouldBe(FleetVerdict.Granted);
    }

    [Fact]
    public void Return_GivesTheTokenBack_ToTheLeaseAndTheReport()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        share.TryTake().ShouldBe(FleetVerdict.Granted);

        share.Return();

        share.Lease.ShouldBe(1);
        share.TakeReport().Spent.ShouldBe(0);
    }

    [Fact]
    public void Deposits_AreSummedIntoOneReport_AndEnlistOnce()
    {
        FleetShare share = Share();

        share.Deposit(0.1);
        share.Deposit(0.1);
        share.Deposit(0.25);

        _store.Enlisted.ShouldBe(1);
        _store.Urgent.ShouldBe(0, "earnings wait for the flush");
        share.TakeReport().Earned.ShouldBe(0.45, 0.000001);
        share.TakeReport().IsEmpty.ShouldBeTrue();
        share.Deposit(0.1);
        _store.Enlisted.ShouldBe(2, "a report taken, the next deposit enlists again");
    }

    [Fact]
    public void ADepositOfNothing_IsNoReport()
    {
        FleetShare share = Share();

        share.Deposit(0);

        _store.Enlisted.ShouldBe(0);
    }

    [Fact]
    public void Answers_AreCounted()
    {
        FleetShare share = Share();

        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));

        share.Answers.ShouldBe(2);
    }

    [Fact]
    public void Lost_MakesTheShareLocal_UntilTheStoreAnswersAgain()
    {
        FleetShare share = Share();
        share.Answered(balance: 0, leaseSize: 1, TimeSpan.FromSeconds(5));

        share.Lost();

        share.TryTake(FleetAsk.NoWait).ShouldBe(FleetVerdict.Local);
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        share.TryTake().ShouldBe(FleetVerdict.Granted);
    }

    [Fact]
    public async Task AnswerAsync_EndsWithTheNextAnswer()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(6));

        Task waiting = share.AnswerAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        share.TryTake(FleetAsk.Waited).ShouldBe(FleetVerdict.Granted);
    }

    [Fact]
    public async Task AnswerAsync_EndsAtTheTimeout_WhenTheStoreIsSilent()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(6));

        Task waiting = share.AnswerAsync(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(249));
        waiting.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        share.TryTake(FleetAsk.Waited).ShouldBe(FleetVerdict.Local);
    }

    [Fact]
    public async Task AnswerAsync_EndsAtOnce_WhenAnAnswerCameSinceTheLeaseWentStale_OrTheStoreIsLost()
    {
        FleetShare share = Share();
        share.Answered(balance: 3, leaseSize: 1, TimeSpan.FromSeconds(5));

        await share.AnswerAsync(TimeSpan.FromHours(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(6));
        Task waiting = share.AnswerAsync(TimeSpan.FromHours(1), CancellationToken.None);
        share.Lost();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void PauseReceived_HoldsTheHost_OnTheClientsClock()
    {
        FleetShare share = Share();

        share.PauseReceived(TimeSpan.Zero, WaitSource.RetryAfter);
        share.Host.PacingIfAny.ShouldBeNull("no pause, no pacing state");
        share.PauseReceived(TimeSpan.FromSeconds(7), WaitSource.RateLimit);
        share.PauseReceived(TimeSpan.Zero, WaitSource.RetryAfter);

        share.Host.Pacing.Remaining(_time.GetTimestamp(), _time).ShouldBe(TimeSpan.FromSeconds(7));
        share.Host.Pacing.Source.ShouldBe(WaitSource.RateLimit);
    }

    [Fact]
    public void PauseRecorded_IsPublished()
    {
        FleetShare share = Share();

        share.PauseRecorded(TimeSpan.FromSeconds(3), WaitSource.RetryAfter);

        _store.Published.ShouldBe([(TimeSpan.FromSeconds(3), WaitSource.RetryAfter)]);
    }

    [Fact]
    public void PauseRecorded_AnnouncesAPauseOnce_UntilOneEndsASecondLater()
    {
        FleetShare share = Share();

        share.PauseRecorded(TimeSpan.FromSeconds(20), WaitSource.RetryAfter);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        share.PauseRecorded(TimeSpan.FromSeconds(20), WaitSource.RetryAfter);
        share.PauseRecorded(TimeSpan.FromSeconds(20.4), WaitSource.RetryAfter);
        share.PauseRecorded(TimeSpan.FromSeconds(20.5), WaitSource.RateLimit); // ends exactly a second after the first

        _store.Published.ShouldBe([(TimeSpan.FromSeconds(20), WaitSource.RetryAfter), (TimeSpan.FromSeconds(20.5), WaitSource.RateLimit)]);
    }

    private FleetShare Share() => _store.Join("api", new HostState("https://a.test:443", 3, _time.GetTimestamp()), 3, _time);

    private sealed class RecordingStore : FleetStore
    {
        public int Enlisted { get; private set; }

        public int Urgent { get; private set; }

        public List<(TimeSpan, WaitSource)> Published { get; } = [];

        public override void Enlist(FleetShare share, bool urgent)
        {
            Enlisted++;
            Urgent += urgent ? 1 : 0;
        }

        public override void Wake() => Urgent++;

        public override void Publish(FleetShare share, TimeSpan hold, WaitSource source) => Published.Add((hold, source));
    }
}
