namespace ResilientHttp;

/// <summary>What <see cref="Circuit.TryEnter"/> allows a call to do.</summary>
internal enum CircuitPermit
{
    /// <summary>Refused: the circuit is open or a probe is in flight.</summary>
    Refused,

    /// <summary>Allowed: the circuit is closed.</summary>
    Pass,

    /// <summary>Allowed as the single probe of a half-open circuit; its outcome closes or re-opens it.</summary>
    Probe,
}
