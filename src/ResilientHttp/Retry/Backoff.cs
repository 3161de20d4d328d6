namespace ResilientHttp;

/// <summary>R3: the wait before a retry, exponential with bounded jitter. A pure function.</summary>
internal static class Backoff
{
    /// <summary>
    /// Computes the wait before retry <paramref name="retry"/> (1 for the first retry): nominally
    /// <c>baseDelay * 2^(retry-1)</c>, spread uniformly over ±<paramref name="jitterFactor"/>, never above
    /// <paramref name="maxDelay"/>. Near and at the cap the spread is kept below the cap instead of being
    /// clipped to it, so capped waits are not all equal.
    /// </summary>
    /// <param name="retry">The retry number, 1 or more.</param>
    /// <param name="baseDelay">The first nominal wait.</param>
    /// <param name="maxDelay">The longest wait.</param>
    /// <param name="jitterFactor">0 to 1: how far the wait is spread.</param>
    /// <param name="random">A uniform draw in [0, 1).</param>
    public static TimeSpan Compute(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double jitterFactor, double random)
    {
        double max = maxDelay.Ticks;

        // Doubles cannot overflow here: 2^1023 is the limit, far beyond any retry count, and the
        // result is clamped to maxDelay before it becomes ticks again.
        double nominal = Math.Min(baseDelay.Ticks * Math.Pow(2, Math.Max(retry, 1) - 1), max);

        // Near and at the cap only the upper bound is cut: nominal <= max keeps the lower one below the cap.
        double lower = nominal * (1 - jitterFactor);
        double upper = Math.Min(nominal * (1 + jitterFactor), max);
        double wait = lower + ((upper - lower) * random);
        return TimeSpan.FromTicks((long)Math.Clamp(wait, 0, max));
    }

    /// <summary>
    /// R4/R10: the wait for a host-given <c>Retry-After</c>: never less than it says and at most
    /// <c>jitterFactor * max(retryAfter, baseDelay)</c> more, so that callers told the same moment do not
    /// all arrive at once.
    /// </summary>
    /// <param name="retryAfter">What the host said.</param>
    /// <param name="baseDelay">The backoff's base delay: the least spread.</param>
    /// <param name="jitterFactor">0 to 1: how far the wait is spread.</param>
    /// <param name="random">A uniform draw in [0, 1).</param>
    public static TimeSpan AfterRetryAfter(TimeSpan retryAfter, TimeSpan baseDelay, double jitterFactor, double random)
    {
        double spread = Math.Max(retryAfter.Ticks, baseDelay.Ticks) * jitterFactor * random;

        // A double past long.MaxValue converts to long.MaxValue (saturating since .NET 9): TimeSpan.MaxValue.
        return TimeSpan.FromTicks((long)(retryAfter.Ticks + spread));
    }
}
