namespace ResilientHttp;

/// <summary>
/// C1–C4: what the breaker does around each attempt, as plain code: ask the host's circuit to let it out, then tell
/// the circuit how it ended. The breaker handler and the fleet simulator both call exactly this.
/// </summary>
internal static class BreakerGate
{
    /// <summary>Asks the host's circuit to let an attempt out at <paramref name="now"/>.</summary>
    public static CircuitPermit Enter(HostState host, long now, TimeProvider time, out TimeSpan retryAfter, out CircuitTransition transition) =>
        host.Circuit.TryEnter(now, time, out retryAfter, out transition);

    /// <summary>Tells the circuit how an attempt it let out ended.</summary>
    /// <param name="host">The attempt's host.</param>
    /// <param name="permit">What the circuit allowed.</param>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="cutByDeadline">Whether a timeout was the caller's own deadline: that says nothing about the host.</param>
    /// <param name="sentAt">When the attempt went out.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="options">The breaker options of the call.</param>
    /// <param name="time">The clock the timestamps come from.</param>
    /// <param name="random">The source of the break's spread.</param>
    public static CircuitReport Report(HostState host, CircuitPermit permit, in AttemptOutcome outcome, bool cutByDeadline, long sentAt, long now, CircuitBreakerOptions options, TimeProvider time, RandomSource random)
    {
        AttemptOutcome counted = outcome.Kind == OutcomeKind.Timeout && cutByDeadline ? AttemptOutcome.Of(OutcomeKind.Canceled) : outcome;
        return host.Circuit.Report(permit, OutcomeClassifier.ForBreaker(counted, options), sentAt, now, options, time, random);
    }
}
