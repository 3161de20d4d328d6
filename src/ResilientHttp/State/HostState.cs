namespace ResilientHttp;

/// <summary>Everything kept about one host of one client: its circuit, its retry budget and its pacing.</summary>
internal sealed class HostState
{
    private long _lastUsed;

    public HostState(string authority, int budgetCapacity, long now, string metricAddress = "_OTHER", int metricPort = 0)
    {
        Authority = authority;
        Budget = new RetryBudget(budgetCapacity);
        _lastUsed = now;
        MetricAddress = metricAddress;
        MetricPort = metricPort;
    }

    /// <summary>Gets the <c>server.address</c> this host reports in metrics: its name, or <c>_OTHER</c> past the client's bound.</summary>
    public string MetricAddress { get; }

    /// <summary>Gets the <c>server.port</c> this host reports in metrics, boxed once.</summary>
    public object MetricPort { get; }

    /// <summary>Gets the host as scheme://host:port.</summary>
    public string Authority { get; }

    public Circuit Circuit { get; } = new();

    public RetryBudget Budget { get; }

    public HostPacing Pacing { get; } = new();

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
