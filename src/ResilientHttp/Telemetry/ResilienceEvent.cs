namespace ResilientHttp;

/// <summary>
/// One thing worth telling about a call, reported once to <see cref="ClientTelemetry.Report"/>, which turns it into
/// log lines, metrics and activity events. Fields a kind does not use keep their defaults.
/// </summary>
internal readonly struct ResilienceEvent
{
    public ResilienceEventKind Kind { get; init; }

    /// <summary>Gets the call's host; <see langword="null"/> for events of the whole client.</summary>
    public HostState Host { get; init; }

    /// <summary>Gets the request's method; <see langword="null"/> for circuit changes.</summary>
    public HttpMethod? Method { get; init; }

    /// <summary>Gets the request's URI, whose path (never its query) is logged; <see langword="null"/> for circuit changes.</summary>
    public Uri? Uri { get; init; }

    /// <summary>Gets the sends made so far.</summary>
    public int Attempt { get; init; }

    public AttemptOutcome Outcome { get; init; }

    /// <summary>Gets the wait (retries, pauses), the time until the next probe (refusals) or the break begun (circuit changes).</summary>
    public TimeSpan Duration { get; init; }

    public WaitSource Source { get; init; }

    public RetryDecisionReason Reason { get; init; }

    /// <summary>Gets how the call ended, for <see cref="ResilienceEventKind.CallEnded"/>.</summary>
    public CallEnding Ending { get; init; }

    public CircuitTransition Transition { get; init; }

    /// <summary>Gets the breaker's failure threshold, for the log of a circuit that opened.</summary>
    public int FailureThreshold { get; init; }

    /// <summary>Gets the text of a client's event: the rejected keys, or the handlers removed.</summary>
    public string? Text { get; init; }
}
