namespace ResilientHttp.Simulator;

/// <summary>One pending event: which sink handles it, its code and its subject.</summary>
internal readonly record struct ScheduledEvent(IEventSink Sink, int Kind, object? Target);
