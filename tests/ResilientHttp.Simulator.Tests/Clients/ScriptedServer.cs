namespace ResilientHttp.Simulator.Tests;

/// <summary>A server that answers each attempt with the next scripted status (the last one repeats), and records when each arrived.</summary>
internal sealed class ScriptedServer(ClientFleet fleet, Scheduler scheduler, params (int Status, TimeSpan? RetryAfter)[] script) : IAttemptServer
{
    private int _next;

    public List<long> Arrivals { get; } = [];

    public void Receive(Attempt attempt)
    {
        Arrivals.Add(scheduler.Now);
        (int status, TimeSpan? retryAfter) = script[Math.Min(_next++, script.Length - 1)];
        fleet.Respond(attempt, status, retryAfter);
    }
}
