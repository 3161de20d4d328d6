namespace ResilientHttp.Simulator;

/// <summary>A simulated server: receives attempts and answers them through <see cref="ClientFleet.Respond"/>, or never.</summary>
internal interface IAttemptServer
{
    /// <summary>An attempt arrives.</summary>
    void Receive(Attempt attempt);
}
