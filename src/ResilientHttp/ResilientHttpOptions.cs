namespace ResilientHttp;

/// <summary>
/// Options of one client's resilience pipeline: retries in front of a per-host circuit breaker.
/// </summary>
/// <remarks>
/// Bound from <c>ResilientHttp:Defaults</c> overlaid by <c>ResilientHttp:Clients:&lt;client name&gt;</c>
/// when an <c>IConfiguration</c> is registered; code configuration runs after binding.
/// Every value is checked at start-up: a value outside its range is an error that names the key.
/// </remarks>
public sealed class ResilientHttpOptions
{
    /// <summary>Gets or sets how calls are retried.</summary>
    /// <value>Retries enabled, 4 attempts, 1 s base delay doubling up to 30 s, ±50 % jitter.</value>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the per-host circuit breaker.</summary>
    /// <value>Enabled, opening after 5 consecutive failures for 250 ms, each failed probe doubling the break up to 500 ms, every break spread ±20%.</value>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Gets or sets how long one attempt may take before it is cut and counted as a timeout.</summary>
    /// <value>10 s by default; <see langword="null"/> for no limit, otherwise 1 ms to 1 day.</value>
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the deadline of a whole call, every attempt and wait included. No retry starts
    /// whose wait would end past it.
    /// </summary>
    /// <value>
    /// <see langword="null"/> (no deadline) by default; otherwise 1 ms to 1 day and not below
    /// <see cref="AttemptTimeout"/>. <c>HttpClient.Timeout</c> (100 s by default) still applies around it.
    /// </value>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>Gets or sets what each attempt tells the server about its deadline.</summary>
    /// <value>Nothing by default (<see cref="DeadlineOptions.SendHeader"/> off).</value>
    public DeadlineOptions Deadline { get; set; } = new();

    /// <summary>Gets or sets how slow attempts are hedged.</summary>
    /// <value>Off by default; when on, one hedge per attempt after the host's observed 95th-percentile latency.</value>
    public HedgingOptions Hedging { get; set; } = new();

    /// <summary>Gets or sets the faults injected on purpose, for staging.</summary>
    /// <value>Off by default (<see cref="FaultInjectionOptions.Enabled"/> false).</value>
    public FaultInjectionOptions FaultInjection { get; set; } = new();

    /// <summary>Gets the errors found while reading configuration: unknown keys and unreadable values.</summary>
    internal List<string> ConfigurationErrors { get; } = [];

    /// <summary>Gets the full configuration path each bound key came from, by its path inside the options.</summary>
    internal Dictionary<string, string> KeyPaths { get; } = new(StringComparer.OrdinalIgnoreCase);
}
