namespace ResilientHttp.Simulator;

/// <summary>
/// The quota herd: many clients start together, each with a job of calls made one after another, against a server
/// whose fixed-window quota says in every answer when it is spent.
/// </summary>
/// <param name="Scope">Whether each client has its own quota or the fleet shares one.</param>
/// <param name="Seed">The run's seed.</param>
internal sealed record QuotaSettings(QuotaScope Scope, ulong Seed)
{
    public int Clients { get; init; } = 100;

    /// <summary>Gets the window every client starts in.</summary>
    public TimeSpan StartSpread { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets the calls each client makes, one after another; a failed call is not made again.</summary>
    public int CallsPerClient { get; init; } = 20;

    /// <summary>Gets the quota's window.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the calls one client's quota allows per window; a shared quota allows this many per client in the fleet.</summary>
    public int CallsPerWindowPerClient { get; init; } = 5;

    /// <summary>Gets how long the run may last.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan OneWayDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Gets the calls the server's quota (one client's, or the fleet's) allows per window.</summary>
    public int Limit => Scope == QuotaScope.PerClient ? CallsPerWindowPerClient : CallsPerWindowPerClient * Clients;

    public override string ToString() => FormattableString.Invariant(
        $"{(Scope == QuotaScope.PerClient ? "a quota per client" : "one quota for the fleet")}, {Limit} calls per {Window.TotalSeconds:0.#} s");
}
