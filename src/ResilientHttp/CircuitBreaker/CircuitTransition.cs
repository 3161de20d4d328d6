namespace ResilientHttp;

/// <summary>A change of a circuit's state, returned so that callers can log it outside the lock.</summary>
internal enum CircuitTransition
{
    /// <summary>No change.</summary>
    None,

    /// <summary>Closed to open: the failure threshold was reached.</summary>
    Opened,

    /// <summary>Open to half-open: the break ended and a probe goes out.</summary>
    HalfOpened,

    /// <summary>Half-open to open: the probe failed.</summary>
    Reopened,

    /// <summary>Half-open to closed: the probe succeeded.</summary>
    Closed,

    /// <summary>Half-open to open with no wait: the probe was abandoned (cancelled), the next call probes.</summary>
    ProbeAbandoned,

    /// <summary>Still half-open: the probe in flight has had a whole break to answer, so calls are let through until it does.</summary>
    ProbeOverdue,
}
