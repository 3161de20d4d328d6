namespace ResilientHttp.Simulator;

/// <summary>What one policy did in one fleet outage.</summary>
/// <param name="Settings">The world it ran in.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="Requests">Calls made in the window (outage start to outage end + 60 s).</param>
/// <param name="Attempts">Sends that reached the network in the window.</param>
/// <param name="PeakOfferedAfterRecovery">The most attempts offered in one second of the 60 s after the outage, over C.</param>
/// <param name="RecoverySeconds">From the outage's end to the first of 5 s in a row of goodput ≥ 0.9 λ; ∞ if never.</param>
/// <param name="SuccessFraction">Calls made in the window that finally succeeded.</param>
/// <param name="WastedFraction">Server work in the window spent on attempts their client had already abandoned.</param>
/// <param name="OfferedLoad">Attempts offered per second, over C, for each second of the run.</param>
/// <param name="Goodput">Successful answers the client still waited for, per second, over C.</param>
internal sealed record FleetOutageResult(
    FleetOutageSettings Settings,
    string Policy,
    long Requests,
    long Attempts,
    double PeakOfferedAfterRecovery,
    double RecoverySeconds,
    double SuccessFraction,
    double WastedFraction,
    IReadOnlyList<double> OfferedLoad,
    IReadOnlyList<double> Goodput)
{
    /// <summary>Gets the share of the server's work in the window spent shedding (answering 503 to expired attempts): part of the waste.</summary>
    public double ShedFraction { get; init; }

    /// <summary>Gets the fleet store's rounds over the whole run (each one process's batch of reports and its answers), when the policy has a store.</summary>
    public long StoreRounds { get; init; }

    /// <summary>Gets the lowest balance the fleet store's bucket held, when the policy has a store: how far the optimistic leases overspent.</summary>
    public double StoreLowestBalance { get; init; }

    public double Amplification => Requests == 0 ? 0 : Attempts / (double)Requests;

    public bool Recovered => !double.IsPositiveInfinity(RecoverySeconds);
}
