using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers, so that a test can move the clock
/// straight to the next moment anything waits for, and knows when code under test has started a new wait.
/// </summary>
internal sealed class TestTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private int _created;

    /// <summary>Gets how many timers were ever created: it moves when code under test starts a wait.</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    /// <summary>Gets the earliest moment a pending timer is due, if any.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (TrackedTimer timer in _timers)
            {
                if (timer.Due is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Inner = base.CreateTimer(s => tracked.Fire(callback, s), state, dueTime, period);
        tracked.Set(dueTime, period);
        lock (_gate)
        {
            _timers.Add(tracked);
        }

        Interlocked.Increment(ref _created);
        return tracked;
    }

    private sealed class TrackedTimer(TestTimeProvider owner) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? Due { get; private set; }

        public void Set(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner.GetUtcNow() + dueTime;
                _period = period;
            }
        }

        public void Fire(TimerCallback callback, object? state)
        {
            lock (owner._gate)
            {
                Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : owner.GetUtcNow() + _period;
            }

            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
