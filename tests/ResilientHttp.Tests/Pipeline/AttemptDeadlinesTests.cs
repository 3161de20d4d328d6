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

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
