namespace ResilientHttp.Simulator;

/// <summary>One call of one client: what the retry handler would be looping over.</summary>
/// <param name="client">The index of the calling client.</param>
/// <param name="startedAt">When the call was made.</param>
internal sealed class Call(int client, long startedAt)
{
    public int Client { get; } = client;

    public long StartedAt { get; } = startedAt;

    /// <summary>The call's retry loop: the library's own state machine, as the handler drives it.</summary>
    public RetryLoop Loop;

    /// <summary>Gets the sends made so far, as the handler counts them (a refused send counts).</summary>
    public int Attempts => Loop.Attempt;

    /// <summary>Gets or sets how the last attempt ended.</summary>
    public AttemptOutcome? LastOutcome { get; set; }

    /// <summary>Gets or sets the sends that reached the network.</summary>
    public int NetworkSends { get; set; }

    /// <summary>Gets or sets the time the call spent in the library's waits (backoff and host pauses), in ticks.</summary>
    public long Waited { get; set; }

    /// <summary>Gets or sets an owner's tag: the scenario's own bookkeeping.</summary>
    public object? Tag { get; set; }
}
