namespace ResilientHttp;

/// <summary>
/// Options for injecting faults on purpose, for staging and game days: a share of attempts answered with a failing
/// status instead of reaching the network, and a share delayed before they are sent. Faults are injected below the
/// circuit breaker, so the breaker, the retries, the budget and the telemetry react as they would to real ones.
/// Every injected fault is logged and counted as injected. Off unless configured; read on every attempt, so a
/// configuration reload turns it on, changes it or turns it off for the next attempt.
/// </summary>
public sealed class FaultInjectionOptions
{
    /// <summary>Gets or sets a value indicating whether faults are injected.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the share of attempts answered with one of <see cref="StatusCodes"/> instead of being sent.</summary>
    /// <value>0 by default; 0 to 1.</value>
    public double FaultRate { get; set; }

    /// <summary>Gets or sets the share of attempts delayed by <see cref="Latency"/> before they are sent.</summary>
    /// <value>0 by default; 0 to 1.</value>
    public double LatencyRate { get; set; }

    /// <summary>Gets or sets how long a delayed attempt waits before it is sent (the attempt timeout still applies).</summary>
    /// <value>1 second by default; 0 to 1 day.</value>
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the statuses an injected fault answers with, one picked at random per fault.</summary>
    /// <value>503 by default. A list set in configuration replaces this one.</value>
    public IList<int> StatusCodes { get; set; } = [503];
}
