namespace ResilientHttp;

/// <summary>What to do after an attempt: retry after <see cref="Delay"/>, or stop for <see cref="Reason"/>.</summary>
/// <param name="ShouldRetry">Whether to send again.</param>
/// <param name="Delay">The wait before the next send.</param>
/// <param name="Reason">Why.</param>
/// <param name="FromRetryAfter">Whether the wait is the host's own (its <c>Retry-After</c>, or its quota's reset) rather than the backoff.</param>
/// <param name="Source">What the wait comes from.</param>
internal readonly record struct RetryDecision(bool ShouldRetry, TimeSpan Delay, RetryDecisionReason Reason, bool FromRetryAfter = false, WaitSource Source = WaitSource.Backoff)
{
    public static RetryDecision Stop(RetryDecisionReason reason) => new(false, TimeSpan.Zero, reason);
}
