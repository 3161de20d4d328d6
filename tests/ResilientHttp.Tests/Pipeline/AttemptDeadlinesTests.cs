using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.Pipeline;

/// <summary>R8's timer: attempts are cut no earlier than their deadline and at most one resolution late, with no timer work per attempt.</summary>
public sealed class AttemptDeadlinesTests
{
    private readonly CountingTime _time = new();

    [Fact]
    public void Begin_IdleClient_CutsTheAttemptExactlyAtItsDeadline()
    {
        using var sut = new AttemptDeadlines(_time);
        DeadlineNode node = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());

        _time.Advance(TimeSpan.FromMilliseconds(999));
        node.Source.IsCancellationRequested.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        node.Source.IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void Begin_DeadlinesComingDueOneAfterAnother_EachIsCutNoEarlierAndAtMostOneResolutionLater()
    {
        using var sut = new AttemptDeadlines(_time);
        long start = _time.GetTimestamp();
        DeadlineNode[] nodes = [.. Enumerable.Range(0, 100).Select(i => Begin(sut, TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(i), start))];
        var cutAt = new TimeSpan?[nodes.Length];

        for (int ms = 0; ms <= 1200; ms++)
        {
            for (int i = 0; i < nodes.Length; i++)
            {
                if (cutAt[i] is null && nodes[i].Source.IsCancellationRequested)
                {
                    cutAt[i] = TimeSpan.FromMilliseconds(ms);
                }
            }

            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        for (int i = 0; i < nodes.Length; i++)
        {
            TimeSpan deadline = TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(i);
            cutAt[i].ShouldNotBeNull($"attempt {i}");
            cutAt[i]!.Value.ShouldBeGreaterThanOrEqualTo(deadline, $"attempt {i}");
            cutAt[i]!.Value.ShouldBeLessThanOrEqualTo(deadline + AttemptDeadlines.Resolution + TimeSpan.FromMilliseconds(1), $"attempt {i}");
        }

        // 100 deadlines a millisecond apart: the timer is set no closer than one resolution apart, not once per deadline.
        _time.Changes.ShouldBeLessThanOrEqualTo(2 + (100 / (int)AttemptDeadlines.Resolution.TotalMilliseconds));
    }

    [Fact]
    public void Begin_ManyAttemptsEndingInTime_TouchTheTimerOnlyOnce()
    {
        using var sut = new AttemptDeadlines(_time);

        for (int i = 0; i < 10_000; i++)
        {
            DeadlineNode node = Begin(sut, TimeSpan.FromSeconds(10), _time.GetTimestamp());
            sut.End(node, reusable: true);
            _time.Advance(TimeSpan.FromTicks(100));
        }

        _time.TimersCreated.ShouldBe(1);
        _time.Changes.ShouldBe(1, "the timer was set once, for the first deadline");
    }

    [Fact]
    public void End_BeforeTheDeadline_TheAttemptIsNeverCutAndItsNodeComesBackFresh()
    {
        using var sut = new AttemptDeadlines(_time);
        DeadlineNode first = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        CancellationToken token = first.Source.Token;
        sut.End(first, reusable: true);

        _time.Advance(TimeSpan.FromSeconds(2));
        DeadlineNode second = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());

        token.IsCancellationRequested.ShouldBeFalse();
        second.ShouldBeSameAs(first, "a node that was never cut is reused");
        second.Source.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void End_OfANodeThatFiredOrMayStillBeCancelled_IsNotReused()
    {
        using var sut = new AttemptDeadlines(_time);
        DeadlineNode fired = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.End(fired, reusable: true);
        DeadlineNode linked = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        sut.End(linked, reusable: false);

        DeadlineNode next = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());

        next.ShouldNotBeSameAs(fired);
        next.ShouldNotBeSameAs(linked);
        next.Source.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void Timer_CallerCancelsWhileTheSendIsInFlight_CancelsTheAttemptAtOnceAndIsNotATimeout()
    {
        using var sut = new AttemptDeadlines(_time);
        using var caller = new CancellationTokenSource();
        AttemptTimer timer = AttemptTimer.Begin(sut, TimeSpan.FromSeconds(10), remaining: null, caller.Token, _time.GetTimestamp());
        CancellationToken token = timer.Token;
        timer.InFlight();

        caller.Cancel();

        token.IsCancellationRequested.ShouldBeTrue();
        timer.TimedOut.ShouldBeFalse();
        timer.End();
    }

    [Fact]
    public void Timer_DeadlineShorterThanTheAttemptTimeout_IsTheLimit()
    {
        using var sut = new AttemptDeadlines(_time);
        AttemptTimer timer = AttemptTimer.Begin(sut, TimeSpan.FromSeconds(10), remaining: TimeSpan.FromSeconds(2), CancellationToken.None, _time.GetTimestamp());
        timer.InFlight();

        _time.Advance(TimeSpan.FromSeconds(2));

        timer.LimitIsDeadline.ShouldBeTrue();
        timer.TimedOut.ShouldBeTrue();
        timer.End();
    }

    [Fact]
    public void Timer_SendThatCompletedAtOnce_IsNeverTrackedNorCut()
    {
        using var sut = new AttemptDeadlines(_time);
        AttemptTimer timer = AttemptTimer.Begin(sut, TimeSpan.FromSeconds(1), remaining: null, CancellationToken.None, _time.GetTimestamp());
        CancellationToken token = timer.Token;

        timer.End();
        _time.Advance(TimeSpan.FromSeconds(5));

        token.IsCancellationRequested.ShouldBeFalse();
        _time.TimersCreated.ShouldBe(0, "an attempt that was never in flight sets no timer");
    }

    [Fact]
    public void Track_LimitCountsFromWhenTheAttemptWentOut_NotFromWhenItWasTracked()
    {
        using var sut = new AttemptDeadlines(_time);
        long sent = _time.GetTimestamp();
        DeadlineNode node = sut.Rent();
        _time.Advance(TimeSpan.FromMilliseconds(400));

        sut.Track(node, TimeSpan.FromSeconds(1), sent);
        _time.Advance(TimeSpan.FromMilliseconds(599));
        node.Source.IsCancellationRequested.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        node.Source.IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void Dispose_StopsCuttingAttempts()
    {
        var sut = new AttemptDeadlines(_time);
        DeadlineNode node = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());

        sut.Dispose();
        _time.Advance(TimeSpan.FromSeconds(5));

        node.Source.IsCancellationRequested.ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(64, 64)]
    [InlineData(1000, 64)]
    public void Create_HasAStripePerProcessorRoundedUpToAPowerOfTwoAtMost64(int processors, int stripes)
    {
        using var sut = new AttemptDeadlines(_time, processors);

        sut.StripeCount.ShouldBe(stripes);
    }

    [Theory]
    [InlineData(0, 4, 0)]
    [InlineData(5, 4, 1)]
    [InlineData(7, 8, 7)]
    [InlineData(8, 8, 0)]
    [InlineData(63, 1, 0)]
    public void StripeOf_IsTheProcessorModuloTheStripes(int processor, int stripes, int stripe) =>
        AttemptDeadlines.StripeOf(processor, stripes).ShouldBe(stripe);

    [Fact]
    public void End_OfAnUntrackedNode_GivesItBackToTheNextRentOnThisThread()
    {
        using var sut = new AttemptDeadlines(_time, 1);
        _ = sut.Rent(); // this thread's spare, whichever client it came from
        DeadlineNode node = sut.Rent();

        sut.End(node, reusable: true);

        sut.Rent().ShouldBeSameAs(node);
    }

    [Fact]
    public void End_TwoNodes_TheFirstIsThisThreadsSpareAndTheSecondIsPooled()
    {
        using var sut = new AttemptDeadlines(_time, 1);
        _ = sut.Rent();
        DeadlineNode first = sut.Rent();
        DeadlineNode second = sut.Rent();

        sut.End(first, reusable: true);
        sut.End(second, reusable: true);

        sut.Rent().ShouldBeSameAs(first);
        sut.Rent().ShouldBeSameAs(second);
    }

    [Fact]
    public void End_ManyNodes_APoolKeeps64AndReleasesTheRest()
    {
        using var sut = new AttemptDeadlines(_time, 1);
        _ = sut.Rent();
        DeadlineNode[] nodes = [.. Enumerable.Range(0, 101).Select(_ => sut.Rent())];

        for (int round = 0; round < 2; round++)
        {
            foreach (DeadlineNode node in nodes)
            {
                sut.End(node, reusable: true);
            }

            DeadlineNode[] rented = [.. Enumerable.Range(0, 101).Select(_ => sut.Rent())];

            // One spare and a pool of 64: the 36 others were released, and are not handed out again.
            var reused = nodes.Where(n => rented.Contains(n)).ToList();
            reused.Count.ShouldBe(65, $"round {round}");
            foreach (DeadlineNode released in nodes.Except(reused))
            {
                Should.Throw<ObjectDisposedException>(() => released.Source.Token, $"round {round}");
            }

            nodes = rented;
        }
    }

    [Fact]
    public void End_OfATrackedAttempt_UnlinksIt_SoItsDeadlineLaterCutsNothing()
    {
        using var sut = new AttemptDeadlines(_time, 1);
        _ = sut.Rent();
        DeadlineNode node = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        sut.End(node, reusable: true);

        DeadlineNode again = sut.Rent(); // the same node, for an attempt that completes at once
        _time.Advance(TimeSpan.FromSeconds(2));
        sut.End(again, reusable: true);

        again.ShouldBeSameAs(node);
        node.Source.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void End_OfAnyOfSeveralTrackedAttempts_LeavesTheOthersTimed()
    {
        using var sut = new AttemptDeadlines(_time, 1);
        long start = _time.GetTimestamp();
        DeadlineNode first = Begin(sut, TimeSpan.FromSeconds(1), start);
        DeadlineNode middle = Begin(sut, TimeSpan.FromSeconds(1), start);
        DeadlineNode last = Begin(sut, TimeSpan.FromSeconds(1), start);

        sut.End(middle, reusable: true);
        sut.End(first, reusable: true);
        _time.Advance(TimeSpan.FromSeconds(1) + AttemptDeadlines.Resolution);

        last.Source.IsCancellationRequested.ShouldBeTrue("still in flight: cut");
        first.Source.IsCancellationRequested.ShouldBeFalse("ended: never cut");
        middle.Source.IsCancellationRequested.ShouldBeFalse("ended: never cut");
    }

    [Fact]
    public void Track_AfterTheTimerFired_SetsTheSameTimerAgain()
    {
        using var sut = new AttemptDeadlines(_time);
        Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(2));

        DeadlineNode later = Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(1));

        later.Source.IsCancellationRequested.ShouldBeTrue();
        _time.TimersCreated.ShouldBe(1);
    }

    [Fact]
    public void Track_ALimitAlreadyUsedUp_IsCutAtTheTimersFirstFiring()
    {
        using var sut = new AttemptDeadlines(_time);

        DeadlineNode node = Begin(sut, TimeSpan.FromSeconds(-1), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(1));

        node.Source.IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void Dispose_ReleasesTheTimer()
    {
        var sut = new AttemptDeadlines(_time);
        Begin(sut, TimeSpan.FromSeconds(1), _time.GetTimestamp());

        sut.Dispose();

        _time.TimersDisposed.ShouldBe(1);
    }

    private static DeadlineNode Begin(AttemptDeadlines sut, TimeSpan limit, long now)
    {
        DeadlineNode node = sut.Rent();
        sut.Track(node, limit, now);
        return node;
    }

    private sealed class CountingTime : FakeTimeProvider
    {
        public int TimersCreated { get; private set; }

        public int Changes { get; set; }

        public int TimersDisposed { get; set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            TimersCreated++;
            return new CountingTimer(this, base.CreateTimer(callback, state, dueTime, period));
        }

        private sealed class CountingTimer(CountingTime owner, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                owner.Changes++;
                return inner.Change(dueTime, period);
            }

            public void Dispose()
            {
                owner.TimersDisposed++;
                inner.Dispose();
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
