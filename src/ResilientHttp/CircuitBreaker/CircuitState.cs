namespace ResilientHttp;

/// <summary>The state of one host's circuit.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; consecutive failures are counted.</summary>
    Closed = 0,

    /// <summary>Calls are refused without touching the network until the break ends.</summary>
    Open = 1,

    /// <summary>One probe is in flight; other calls are refused until it completes.</summary>
    HalfOpen = 2,
}
