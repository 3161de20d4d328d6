namespace ResilientHttp;

/// <summary>
/// What travels with one attempt from the retry handler to the breaker right behind it, passed explicitly (by
/// reference) rather than through ambient state: the host, the options generation of the call, the attempt's timer
/// and the time it goes out; and, filled in by the breaker, what it allowed.
/// </summary>
internal struct AttemptContext(HostState host, ResilientHttpOptions options, AttemptTimer timer, int attempt, long sentAt)
{
    /// <summary>Gets or sets the attempt's host: set when a provisional host becomes tracked (<see cref="HostTable.Track"/>).</summary>
    public HostState Host { readonly get; set; } = host;

    /// <summary>Gets the options in force for the whole call.</summary>
    public readonly ResilientHttpOptions Options => options;

    /// <summary>Gets the number of this attempt, 1 for the first send.</summary>
    public readonly int Attempt => attempt;

    public AttemptTimer Timer = timer;

    /// <summary>Gets or sets whether the breaker gated this attempt (it is on): only then is the outcome reported to it.</summary>
    public bool Gated { get; set; }

    /// <summary>Gets or sets what the breaker allowed.</summary>
    public CircuitPermit Permit { get; set; }

    /// <summary>Gets the timestamp the attempt goes out at (C2 compares it with the host's latest success).</summary>
    public readonly long SentAt => sentAt;
}
