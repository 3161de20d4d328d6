using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that can run a whole call to its end: <see cref="RunAsync{T}(Task{T})"/>
/// moves the clock straight to the next moment anything waits for (a backoff, a <c>Retry-After</c>, an attempt
/// timeout, a hedge, a <see cref="Fault.Slow"/> answer) each time the code under test has reached its next wait.
/// Register it as the <see cref="TimeProvider"/> of the service provider the client is built from; nothing else is
/// needed, no <c>ConfigureAwait</c> tricks and no <c>Advance</c> calls timed by hand. A test's only real waiting is a
/// few milliseconds while work released by a timer reaches its next wait.
/// </summary>
public class VirtualTime : FakeTimeProvider
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(10);
    private const int IdleSteps = 5; // Settles in a row with no timer pending before the call is given up on: about 1.5 s.
    private readonly Lock _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private int _created;

    /// <summary>Initializes a new instance of the <see cref="VirtualTime"/> class, starting at 2000-01-01 00:00 UTC.</summary>
    public VirtualTime()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VirtualTime"/> class.</summary>
    /// <param name="start">The moment the clock starts at.</param>
    public VirtualTime(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>Gets how many timers were ever created: it moves when the code under test starts a wait.</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    /// <summary>Gets the earliest moment a pending timer is due, or <see langword="null"/> when nothing waits.</summary>
    public DateTimeOffset? NextDue
    {
        get
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
    }

    /// <summary>
    /// Runs a call to its end on this clock: whenever the code under test waits, the clock moves straight to the next
    /// moment a timer is due. Fails when the call has not ended within ten minutes of virtual time or 10,000 moves, or
    /// when it waits on nothing this clock can release (no timer pending for about 1.5 s): it fails instead of hanging.
    /// </summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="call">The call, already started (for example <c>client.GetAsync("/items/42")</c>).</param>
    /// <returns>The call's result, or its exception.</returns>
    /// <exception cref="TimeoutException">The call did not end within ten minutes of virtual time.</exception>
    public Task<T> RunAsync<T>(Task<T> call) => RunAsync(call, DefaultLimit);

    /// <summary>Runs a call to its end on this clock, as <see cref="RunAsync{T}(Task{T})"/> does, within <paramref name="limit"/> of virtual time.</summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="call">The call, already started.</param>
    /// <param name="limit">The most virtual time the call may take.</param>
    /// <returns>The call's result, or its exception.</returns>
    /// <exception cref="TimeoutException">The call did not end within the limit.</exception>
    public async Task<T> RunAsync<T>(Task<T> call, TimeSpan limit)
    {
        await RunAsync((Task)call, limit).ConfigureAwait(false);
        return await call.ConfigureAwait(false);
    }

    /// <summary>Runs a call that returns nothing to its end on this clock, as <see cref="RunAsync{T}(Task{T})"/> does.</summary>
    /// <param name="call">The call, already started.</param>
    /// <returns>A task that ends when the call has, with its exception if it failed.</returns>
    /// <exception cref="TimeoutException">The call did not end within ten minutes of virtual time.</exception>
    public Task RunAsync(Task call) => RunAsync(call, DefaultLimit);

    /// <summary>Runs a call that returns nothing to its end on this clock, within <paramref name="limit"/> of virtual time.</summary>
    /// <param name="call">The call, already started.</param>
    /// <param name="limit">The most virtual time the call may take.</param>
    /// <returns>A task that ends when the call has, with its exception if it failed.</returns>
    /// <exception cref="TimeoutException">The call did not end within the limit.</exception>
    public async Task RunAsync(Task call, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(call);
        DateTimeOffset end = GetUtcNow() + limit;
        // The call was started before it was handed here: the waits it began on the way are already pending.
        await SettleAsync(call, seen: -1).ConfigureAwait(false);
        int idle = 0;
        for (int step = 0; !call.IsCompleted && GetUtcNow() < end && step < 10_000 && idle < IdleSteps; step++)
        {
            int seen = TimersCreated;
            if (NextDue is { } due && due > GetUtcNow())
            {
                SetUtcNow(due < end ? due : end);
                idle = 0;
            }
            else if (NextDue is not null)
            {
                Advance(TimeSpan.Zero);
                idle = 0;
            }
            else
            {
                idle++; // Nothing waits on this clock: the call waits on something else, or on nothing at all.
            }

            await SettleAsync(call, seen).ConfigureAwait(false);
        }

        if (!call.IsCompleted)
        {
            throw new TimeoutException(idle >= IdleSteps
                ? "The call waits on nothing this clock can release (no timer is pending): it waits on something else, or on nothing at all."
                : $"The call did not end within {limit} of virtual time.");
        }

        await call.ConfigureAwait(false);
    }

    /// <inheritdoc/>
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

    // Work released by a timer runs on the thread pool: give it until it ends the call or starts a new wait (or, when
    // it only resumes a wait already there, a short while). The new wait may be one of several the same step starts.
    private async Task SettleAsync(Task call, int seen)
    {
        long started = Stopwatch.GetTimestamp();
        while (!call.IsCompleted && TimersCreated == seen && Stopwatch.GetElapsedTime(started) < SettleLimit)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        await Task.Delay(2).ConfigureAwait(false);
    }

    private sealed class TrackedTimer(VirtualTime owner) : ITimer
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
