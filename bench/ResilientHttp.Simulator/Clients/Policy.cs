namespace ResilientHttp.Simulator;

/// <summary>A retry policy under test: a name for the report, how it was expressed, and the library options that express it.</summary>
/// <param name="Name">A short name for tables and chart legends.</param>
/// <param name="HowExpressed">How the policy is expressed through the library's options, for the report.</param>
/// <param name="Options">The library's own options; nothing else shapes the client's behaviour.</param>
internal sealed record Policy(string Name, string HowExpressed, ResilientHttpOptions Options)
{
    /// <summary>Gets whether the policy retries at all.</summary>
    public bool Retries => Options.Retry.Enabled && Options.Retry.MaxAttempts > 1;

    /// <summary>Gets whether the retry budget is on.</summary>
    public bool HasBudget => Retries && Options.Retry.Budget.Enabled;

    /// <summary>Gets whether the retry waits are spread at random.</summary>
    public bool IsJittered => Options.Retry.JitterFactor > 0;

    /// <summary>
    /// Gets the fleet store the clients share their retry budget and pauses through (<see cref="SimulatedFleetStore"/>),
    /// or <see langword="null"/> for none: each process's own state alone, as without the <c>ResilientHttp.Redis</c> package.
    /// </summary>
    public FleetStoreSettings? FleetStore { get; init; }
}
