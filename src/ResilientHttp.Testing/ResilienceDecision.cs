namespace ResilientHttp.Testing;

/// <summary>One decision of the library, recorded by <see cref="ResilienceDecisionRecorder"/> for a test to assert on.</summary>
/// <param name="Kind">What was decided.</param>
/// <param name="Event">The name of the library's log event it came from, such as <c>RetryScheduled</c>.</param>
/// <param name="ClientName">The client's name (a typed client's is its type name).</param>
/// <param name="Method">The request's method, or <see langword="null"/> for a circuit's change.</param>
/// <param name="Authority">The host, as <c>scheme://host:port</c>.</param>
/// <param name="Path">The request's path, without its query, or <see langword="null"/>.</param>
/// <param name="Attempt">The attempt it concerns, from 1 (for <see cref="ResilienceDecisionKind.Hedged"/>, the hedge's number), or <see langword="null"/>.</param>
/// <param name="Outcome">How the attempt ended, such as <c>Response</c>, <c>Timeout</c> or <c>ConnectFailure</c>, or <see langword="null"/>.</param>
/// <param name="StatusCode">The status of the answer, or <see langword="null"/> (0 when the attempt got none).</param>
/// <param name="Wait">The wait decided (a backoff, a pause, a hedging delay, an injected latency, the time to a probe), or <see langword="null"/>.</param>
/// <param name="WaitSource">What the wait came from: <c>backoff</c>, <c>Retry-After</c> or <c>rate limit</c>, or <see langword="null"/>.</param>
/// <param name="Reason">Why retrying stopped, such as <c>AttemptsExhausted</c> or <c>BudgetExhausted</c>, or <see langword="null"/>.</param>
public sealed record ResilienceDecision(
    ResilienceDecisionKind Kind,
    string Event,
    string ClientName,
    string? Method,
    string? Authority,
    string? Path,
    int? Attempt,
    string? Outcome,
    int? StatusCode,
    TimeSpan? Wait,
    string? WaitSource,
    string? Reason);
