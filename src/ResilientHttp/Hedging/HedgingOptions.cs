namespace ResilientHttp;

/// <summary>
/// Options for hedging: when an attempt has not been answered within <see cref="Delay"/>, the same request is sent
/// again without cancelling the first, and the first answer wins. Only requests that can be sent twice without a
/// duplicate effect are hedged (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or a request declared idempotent); every
/// hedge is paid from the host's retry budget, and none goes to a host whose circuit is not closed or which asked
/// for a pause.
/// </summary>
public sealed class HedgingOptions
{
    /// <summary>Gets or sets a value indicating whether slow attempts are hedged.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets how long an attempt may go unanswered before a hedge is sent; <see langword="null"/> to use the
    /// host's observed latency (its 95th percentile, from the last few hundred answers, between 1 ms and 5 s).
    /// </summary>
    /// <value><see langword="null"/> (adaptive) by default; otherwise 1 ms to 1 day.</value>
    public TimeSpan? Delay { get; set; }

    /// <summary>Gets or sets how many hedges one attempt may have in flight beside it.</summary>
    /// <value>1 by default; 1 to 5.</value>
    public int MaxHedgedAttempts { get; set; } = 1;
}
