namespace ResilientHttp;

/// <summary>A circuit breaker per client name and host (scheme://host:port).</summary>
public sealed class CircuitBreakerOptions
{
    private StatusCodeSet? _failureSet;

    /// <summary>Gets or sets a value indicating whether the breaker is used.</summary>
    /// <value>
    /// <see langword="true"/> by default. First-party dependencies whose failures you would rather see than
    /// shed often turn it off.
    /// </value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how many consecutive failures open the circuit. A failure of an attempt sent before the host's
    /// latest success was received does not count: it tells of the past.
    /// </summary>
    /// <value>5 by default; 1 to 1,000.</value>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>
    /// Gets or sets how long an open circuit refuses calls before it lets one probe through: the first break,
    /// and the break again once a probe has succeeded.
    /// </summary>
    /// <value>
    /// 250 ms by default, chosen by the fleet sweep (docs/fleet-tuning.md): a short break costs callers little once
    /// the host is back, and still cuts a busy client's calls to a failing host to a few probes a second; 1 ms to 1 day.
    /// </value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the longest break: each failed probe doubles the break, up to this. At or below
    /// <see cref="BreakDuration"/>, breaks do not grow.
    /// </summary>
    /// <value>500 ms by default, chosen by the fleet sweep (longer breaks delay recovery after long outages); 1 ms to 1 day.</value>
    public TimeSpan MaxBreakDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Gets or sets how far each break is spread at random, so that circuits that opened together (every
    /// instance of a fleet, when an outage starts) do not probe together: a break lasts a uniform draw within
    /// ±<c>BreakJitterFactor</c> of its nominal length. 0 gives exact breaks.
    /// </summary>
    /// <value>0.2 by default (±20%); 0 to 1.</value>
    public double BreakJitterFactor { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets the response status codes that count as failures. Network errors and attempt timeouts
    /// always do; other statuses, 429 among them, count as neither success nor failure.
    /// </summary>
    /// <value>500, 502, 503 and 504 by default; codes 100 to 599. A list set in configuration replaces this one.</value>
    public IList<int> FailureStatusCodes { get; set; } = [500, 502, 503, 504];

    /// <summary>Gets <see cref="FailureStatusCodes"/> as a set, for the decisions of every attempt.</summary>
    internal StatusCodeSet FailureSet => StatusCodeSet.Of(ref _failureSet, FailureStatusCodes);

    /// <summary>
    /// Gets or sets the most hosts whose state is kept for one client. Idle closed entries are evicted
    /// first; open and half-open ones never are.
    /// </summary>
    /// <value>1,024 by default; 1 to 1,000,000.</value>
    public int MaxTrackedHosts { get; set; } = 1024;
}
