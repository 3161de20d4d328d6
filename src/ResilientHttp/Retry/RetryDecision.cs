namespace ResilientHttp;

/// <summary>What to do after an attempt: retry after <see cref="Delay"/>, or stop for <see cref="Reason"/>.</summary>
/// <param name="ShouldRetry">Whether to send again.</param>
/// <param name="Delay">The wait before the next send.</param>
/// <param name="Reason">Why.</param>
/// <param name="Source">What the wait comes from.</param>
internal readonly record struct RetryDecision(bool ShouldRetry, TimeSpan Delay, RetryDecisionReason Reason, WaitSource Source = WaitSource.Backoff)
{
    /// <summary>Gets whether the wait is the host's own (its <c>Retry-After</c>, or its quota's reset) rather than the backoff.</summary>
    public bool FromRetryAfter => Source != WaitSource.Backoff;

    public static RetryDecision Stop(RetryDecisionReason reason) => new(false, TimeSpan.Zero, reason);
}
