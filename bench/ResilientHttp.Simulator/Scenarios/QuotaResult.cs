namespace ResilientHttp.Simulator;

/// <summary>What one policy did in the quota herd.</summary>
/// <param name="Settings">The world it ran in.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="Calls">Calls made (every client's whole job).</param>
/// <param name="SuccessFraction">Calls that finally succeeded.</param>
/// <param name="TooManyRequestsPerCall">429 answers collected, per call.</param>
/// <param name="SendsPerCall">Sends that reached the network, per call.</param>
/// <param name="WaitSecondsPerCall">Time a call spent in the library's waits (backoff and the host's pauses), on average.</param>
/// <param name="DoneSeconds">When the last client finished its job; ∞ if one never did.</param>
internal sealed record QuotaResult(
    QuotaSettings Settings,
    string Policy,
    long Calls,
    double SuccessFraction,
    double TooManyRequestsPerCall,
    double SendsPerCall,
    double WaitSecondsPerCall,
    double DoneSeconds);
