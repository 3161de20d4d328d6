namespace ResilientHttp.Simulator;

/// <summary>One send of a call: what crosses the network, and what the server works on.</summary>
internal sealed class Attempt(Call call, CircuitPermit permit, long sentAt)
{
    public Call Call { get; } = call;

    public CircuitPermit Permit { get; } = permit;

    public long SentAt { get; } = sentAt;

    /// <summary>Gets or sets whether the client has its outcome (an answer, or its own timeout).</summary>
    public bool Settled { get; set; }

    /// <summary>Gets or sets whether the client gave up waiting: whatever the server still does for it is wasted.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Gets or sets the status the server answered.</summary>
    public int Status { get; set; }

    /// <summary>Gets or sets the server's <c>Retry-After</c>, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; set; }
}
