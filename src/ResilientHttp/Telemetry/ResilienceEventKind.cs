namespace ResilientHttp;

/// <summary>What a <see cref="ResilienceEvent"/> reports.</summary>
internal enum ResilienceEventKind
{
    /// <summary>An attempt ended (T2 attempts counter).</summary>
    AttemptEnded,

    /// <summary>An attempt failed and will be retried after a wait (T1 RetryScheduled, T2 retries and waits, T3 retry event).</summary>
    RetryScheduled,

    /// <summary>A call waits for its host's pause before sending (T1 HostPaced, T2 waits).</summary>
    HostPaced,

    /// <summary>A call ended: recovered, failed, or answered with a status that is not retried (T1, T3 give-up, T2 budget refusals).</summary>
    CallEnded,

    /// <summary>An attempt went unanswered for the hedging delay and a hedge was sent beside it (T1 HedgeSent, T2 hedges, T3 hedge event); <see cref="ResilienceEvent.Attempt"/> numbers the hedge.</summary>
    HedgeSent,

    /// <summary>A fault was injected on purpose (fault injection): a status (<see cref="ResilienceEvent.Outcome"/>) or a delay (<see cref="ResilienceEvent.Duration"/>).</summary>
    FaultInjected,

    /// <summary>A call was refused by an open circuit (T1 CallRefused, T2 rejections).</summary>
    CallRefused,

    /// <summary>A circuit changed state (T1 circuit events, T2 transitions).</summary>
    CircuitChanged,

    /// <summary>A configuration change was applied (K3).</summary>
    OptionsReloaded,

    /// <summary>A configuration change was invalid and not applied (K3); <see cref="ResilienceEvent.Text"/> names the bad keys.</summary>
    OptionsReloadRejected,

    /// <summary>Another library's resilience handlers were removed from the client (D1); <see cref="ResilienceEvent.Text"/> names them.</summary>
    HandlersReplaced,
}
