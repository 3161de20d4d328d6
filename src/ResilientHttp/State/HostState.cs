namespace ResilientHttp;

/// <summary>Everything kept about one host of one client: its circuit, its retry budget, its pacing and, for adaptive hedging, its latency.</summary>
internal sealed class HostState
{
    private long _lastUsed;

    private static readonly object NoPort = 0;

    private readonly int _budgetCapacity;
    private RetryBudget? _budget;
    private HostPacing? _pacing;
    private HostLatency? _latency;

    public HostState(string authority, int budgetCapacity, long now, string metricAddress = "_OTHER", int metricPort = 0, bool provisional = false)
    {
        Authority = authority;
        Provisional = provisional;
        _budgetCapacity = budgetCapacity;
        _lastUsed = now;
        MetricAddress = metricAddress;
        MetricPort = metricPort == 0 ? NoPort : metricPort;
    }

    /// <summary>Gets the <c>server.address</c> this host reports in metrics: its name, or <c>_OTHER</c> past the client's bound.</summary>
    public string MetricAddress { get; }

    /// <summary>Gets the <c>server.port</c> this host reports in metrics, boxed once.</summary>
    public object MetricPort { get; }

    /// <summary>Gets the host as scheme://host:port.</summary>
    public string Authority { get; }

    public Circuit Circuit { get; } = new();

    /// <summary>
    /// Gets whether this state is one call's own and not in its client's table: a full table's newcomer on its first call
    /// (<see cref="HostTable.GetForCall"/>). It becomes the host's tracked state when that call has something to keep.
    /// </summary>
    public bool Provisional { get; private set; }

    /// <summary>Marks a provisional state as the one its table now tracks.</summary>
    public void Admitted() => Provisional = false;

    /// <summary>Gets the host's share of the fleet's budget and pauses, when a <see cref="FleetStore"/> is registered.</summary>
    public FleetShare? Fleet { get; set; }

    /// <summary>
    /// Gets the host's retry budget, made on first use: a host that never needed a retry has a full bucket, and a
    /// full bucket needs no object (a success would add nothing to it), so most hosts cost one allocation less.
    /// </summary>
    public RetryBudget Budget => Volatile.Read(ref _budget) ?? Made(ref _budget, new RetryBudget(_budgetCapacity) { Fleet = Fleet });

    /// <summary>Gets the budget if a retry ever drew on it, else <see langword="null"/>: a full bucket.</summary>
    public RetryBudget? BudgetIfUsed => Volatile.Read(ref _budget);

    /// <summary>Gets the host's pause, made on first use, as the budget is.</summary>
    public HostPacing Pacing => Volatile.Read(ref _pacing) ?? Made(ref _pacing, new HostPacing());

    /// <summary>Gets the host's pause if one was ever asked for, else <see langword="null"/>: none.</summary>
    public HostPacing? PacingIfAny => Volatile.Read(ref _pacing);

    /// <summary>Gets the host's recent answer times, made on first use: only adaptive hedging keeps them.</summary>
    public HostLatency Latency => Volatile.Read(ref _latency) ?? Made(ref _latency, new HostLatency(HedgeDelay.Quantile));

    // The first thread to make it wins; the others use its object.
    private static T Made<T>(ref T? field, T made)
        where T : class =>
        Interlocked.CompareExchange(ref field, made, null) ?? made;

    /// <summary>Gets the timestamp of the last call, to a granularity of about 100 ms.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Records a call at <paramref name="now"/>.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="granularity">Timestamp ticks below which the record is left as it is.</param>
    public void Touch(long now, long granularity)
    {
        // Writing on every call would bounce this cache line between cores on a busy host;
        // eviction only needs to know roughly who was idle longest.
        if (now - Volatile.Read(ref _lastUsed) > granularity)
        {
            Volatile.Write(ref _lastUsed, now);
        }
    }
}
