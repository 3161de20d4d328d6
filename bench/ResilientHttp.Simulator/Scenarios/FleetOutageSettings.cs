namespace ResilientHttp.Simulator;

/// <summary>One fleet-outage run's world: the fleet, its load, the server and the outage.</summary>
/// <param name="Clients">N: independent client processes, each with its own budget, breaker and pacing.</param>
/// <param name="Load">λ as a fraction of the server's capacity: the fleet's total rate of new calls.</param>
/// <param name="OutageSeconds">T: how long the outage lasts.</param>
/// <param name="Mode">How the server fails.</param>
/// <param name="Seed">The run's seed.</param>
internal sealed record FleetOutageSettings(int Clients, double Load, int OutageSeconds, OutageMode Mode, ulong Seed)
{
    /// <summary>Gets C: attempts the server completes per second when healthy.</summary>
    public double Capacity { get; init; } = 1000;

    /// <summary>Gets when the outage starts, in seconds.</summary>
    public int OutageStartSecond { get; init; } = 30;

    /// <summary>Gets how long the queue may get, in seconds of healthy work (the limit is this times C).</summary>
    public double QueueSeconds { get; init; } = 20;

    /// <summary>Gets the seconds after the outage's end that amplification, success and waste are measured over.</summary>
    public int WindowAfterSeconds { get; init; } = 60;

    /// <summary>Gets the seconds after the outage's end that the run lasts (recovery is looked for until then).</summary>
    public int RunAfterSeconds { get; init; } = 120;

    /// <summary>Gets the share of attempts a healthy server fails at once (503), independently: 0 in the outage worlds.</summary>
    public double TransientFailureRate { get; init; }

    /// <summary>Gets whether this is a world of independent transient failures (no outage), where retries should pay off.</summary>
    public bool IsTransient => TransientFailureRate > 0;

    /// <summary>
    /// Gets whether the server sheds: each attempt carries its sender's remaining time (<c>Request-Timeout-Ms</c>), and
    /// an attempt taken off the queue after that time ran out is answered 503 instead of served (<c>UseRequestDeadline</c>).
    /// </summary>
    public bool Shedding { get; init; }

    /// <summary>Gets the one-way network delay.</summary>
    public TimeSpan OneWayDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    public int OutageEndSecond => OutageStartSecond + OutageSeconds;

    public int WindowEndSecond => OutageEndSecond + WindowAfterSeconds;

    public int RunSeconds => OutageEndSecond + RunAfterSeconds;

    public int QueueLimit => (int)(QueueSeconds * Capacity);

    public override string ToString() => IsTransient
        ? FormattableString.Invariant($"N={Clients}, λ={Load:0.0}C, {TransientFailureRate:P0} transient failures")
        : FormattableString.Invariant($"N={Clients}, λ={Load:0.0}C, T={OutageSeconds}s, {Mode}{(Shedding ? ", shedding" : string.Empty)}");
}
