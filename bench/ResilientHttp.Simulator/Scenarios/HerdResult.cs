namespace ResilientHttp.Simulator;

/// <summary>What one policy did in the herd.</summary>
/// <param name="Settings">The world it ran in.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="AttemptsPerClient">Sends per client, on average (every call the client made).</param>
/// <param name="SuccessFraction">Clients whose call went through before they gave up.</param>
/// <param name="DoneWithinCapFraction">Clients done by their <see cref="HerdSettings.AttemptCap"/>-th send.</param>
/// <param name="Seconds99">Time for 99% of clients to be done; ∞ if they never were.</param>
/// <param name="PeakPer100Ms">The most sends in one 100 ms slot.</param>
/// <param name="SendsPer100Ms">Sends in each 100 ms slot of the first minute.</param>
internal sealed record HerdResult(
    HerdSettings Settings,
    string Policy,
    double AttemptsPerClient,
    double SuccessFraction,
    double DoneWithinCapFraction,
    double Seconds99,
    int PeakPer100Ms,
    IReadOnlyList<int> SendsPer100Ms);
