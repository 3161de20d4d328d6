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
    /// decision falls back to the process's local budget. Never a call's wait: no call waits on Redis. Default 250 ms;
    /// 1 ms to 1 minute.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how often the earnings of successful calls and the retries paid are reported to Redis, in one
    /// batch for every host with something to report. A lease that runs out asks at once. Default 1 s; 10 ms to 1 minute.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the most retries one answer of the store lets a process pay for before it asks again. Default 2;
    /// 1 to 100.
    /// </summary>
    public int LeaseSize { get; set; } = 2;

    /// <summary>
    /// Gets or sets how long a lease may be used: a lease older than this refuses retries until the store has answered
    /// again, so that the leases of idle processes do not add up to a burst at an outage's start. Default 2 s; 10 ms to 1 hour.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(2);

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
