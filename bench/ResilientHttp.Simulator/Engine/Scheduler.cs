namespace ResilientHttp.Simulator;

/// <summary>
/// A discrete-event loop in virtual time: events run in time order, ties in the order they were
/// scheduled, and the clock jumps from one to the next. Nothing here ever sleeps.
/// </summary>
internal sealed class Scheduler
{
    private readonly PriorityQueue<ScheduledEvent, (long Time, long Sequence)> _pending = new(EventOrder.Instance);
    private long _sequence;

    public VirtualClock Clock { get; } = new();

    public long Now => Clock.Now;

    /// <summary>Gets how many events have run.</summary>
    public long EventsRun { get; private set; }

    /// <summary>Schedules an event at an absolute time (never before now).</summary>
    public void At(long time, IEventSink sink, int kind, object? target = null)
    {
        _pending.Enqueue(new ScheduledEvent(sink, kind, target), (Math.Max(time, Now), _sequence++));
    }

    /// <summary>Schedules an event after a delay.</summary>
    public void After(long delay, IEventSink sink, int kind, object? target = null) => At(Now + delay, sink, kind, target);

    /// <summary>Runs events until none is left or the next one is later than <paramref name="end"/>.</summary>
    public void RunUntil(long end)
    {
        while (_pending.TryPeek(out ScheduledEvent next, out (long Time, long Sequence) key) && key.Time <= end)
        {
            _pending.Dequeue();
            Clock.AdvanceTo(key.Time);
            EventsRun++;
            next.Sink.Handle(next.Kind, next.Target);
        }

        Clock.AdvanceTo(Math.Max(Now, end));
    }
}
