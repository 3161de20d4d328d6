namespace ResilientHttp;

/// <summary>
/// How long an attempt may go unanswered before it is hedged: the configured delay, or the host's own observed
/// latency at <see cref="Quantile"/>, kept between <see cref="Floor"/> and <see cref="Cap"/>.
/// </summary>
internal static class HedgeDelay
{
    /// <summary>
    /// The quantile of the host's answer times an adaptive hedge waits for: only the slowest 5 % of attempts are
    /// hedged ("The Tail at Scale", Dean and Barroso, 2013; docs/hedging.md measures it).
    /// </summary>
    public const double Quantile = 0.95;

    /// <summary>The shortest adaptive delay: below a millisecond, timers are not that precise, and a hedge buys nothing.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest adaptive delay: a host slow at its 95th percentile for longer is failing, not slow in its tail.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(5);

    /// <summary>The delay before a hedge to a host, or <see langword="null"/> while an adaptive delay knows too little of it.</summary>
    public static TimeSpan? For(HedgingOptions options, HostState host) =>
        options.Delay ?? (host.Latency.Percentile is { } observed ? Clamp(observed) : null);

    private static TimeSpan Clamp(TimeSpan observed) => observed < Floor ? Floor : observed > Cap ? Cap : observed;
}
