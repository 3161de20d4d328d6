namespace ResilientHttp.Redis;

/// <summary>
/// How the processes of a fleet share their retry budgets and host pauses through Redis
/// (<c>services.AddResilientHttpRedis(...)</c>). Bound from the configuration section <c>ResilientHttp:Fleet</c> when an
/// <c>IConfiguration</c> is registered; every value is checked at start-up.
/// </summary>
public sealed class FleetOptions
{
    /// <summary>
    /// Gets or sets how long one exchange with Redis may take before the store counts as unavailable and every
    /// decision falls back to the process's local budget. The longest a failed call's retry waits for a fresh answer of the
    /// store; no successful call ever waits on Redis. Default 250 ms; 1 ms to 1 minute, below <see cref="LeaseDuration"/>.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how often the earnings of successful calls and the retries paid are reported to Redis, in one
    /// batch for every host with something to report. A lease that runs out asks at once. Default 1 s (chosen by the fleet
    /// simulator's sweep, docs/fleet-store.md); 10 ms to 1 minute.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many retries a process makes on one answer of the store before it asks again (it goes on retrying
    /// on its own budget until the answer comes). Default 4 (the sweep's choice); 1 to 100.
    /// </summary>
    public int LeaseSize { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long an answer of the store stands: a retry after that waits for a fresh answer (one round trip,
    /// at most <see cref="StoreTimeout"/>), so that the leases of idle processes do not add up to a burst at an outage's start.
    /// Default 5 s (the sweep's choice); 10 ms to 1 hour.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets whether host pauses (<c>Retry-After</c>, a spent quota's reset) are shared with the fleet. True fits a
    /// server that is overloaded for everyone, or a quota the fleet shares (one API key); set it false when quotas are kept
    /// per process (per key or per address), or one process's pause would hold every other for a quota it has not spent.
    /// Default true.
    /// </summary>
    public bool SharePauses { get; set; } = true;

    /// <summary>
    /// Gets or sets how long Redis keeps a host's fleet budget after its last report: a host no process calls any more
    /// leaves nothing behind. Default 10 minutes; 1 s to 7 days.
    /// </summary>
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets the prefix of every key and of the pause channel, so that fleets (or environments) sharing one
    /// Redis stay apart. Default <c>resilienthttp</c>; not empty.
    /// </summary>
    public string KeyPrefix { get; set; } = "resilienthttp";
}
