namespace ResilientHttp.Testing;

/// <summary>What the library decided, as a <see cref="ResilienceDecision"/> records it.</summary>
public enum ResilienceDecisionKind
{
    /// <summary>An attempt failed and is retried after <see cref="ResilienceDecision.Wait"/>.</summary>
    Retry,

    /// <summary>A call waits <see cref="ResilienceDecision.Wait"/> for its host's pause (a <c>Retry-After</c> or a spent quota) before it sends.</summary>
    Paced,

    /// <summary>A call succeeded after retries.</summary>
    Recovered,

    /// <summary>A call failed and is not retried further; <see cref="ResilienceDecision.Reason"/> says why.</summary>
    GaveUp,

    /// <summary>A status that is not retried (a 4xx, say) came back and was returned at once; <see cref="ResilienceDecision.Reason"/> says why.</summary>
    NotRetried,

    /// <summary>A call was refused by an open circuit; <see cref="ResilienceDecision.Wait"/> is the time to the next probe.</summary>
    Refused,

    /// <summary>An attempt went unanswered for <see cref="ResilienceDecision.Wait"/> and was hedged.</summary>
    Hedged,

    /// <summary>Fault injection answered an attempt with a status, or held it for <see cref="ResilienceDecision.Wait"/>.</summary>
    FaultInjected,

    /// <summary>A circuit changed state; <see cref="ResilienceDecision.Event"/> names the change (<c>CircuitOpened</c>, <c>CircuitClosed</c>, …).</summary>
    CircuitChanged,
}
