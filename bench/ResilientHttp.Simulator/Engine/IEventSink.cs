namespace ResilientHttp.Simulator;

/// <summary>Something that reacts to its own events when the scheduler reaches them.</summary>
internal interface IEventSink
{
    /// <summary>Handles an event this sink scheduled.</summary>
    /// <param name="kind">The sink's own event code.</param>
    /// <param name="target">What the event is about.</param>
    void Handle(int kind, object? target);
}
