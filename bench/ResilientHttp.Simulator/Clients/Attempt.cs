namespace ResilientHttp.Simulator;

/// <summary>One send of a call: what crosses the network, and what the server works on.</summary>
internal sealed class Attempt(Call call, CircuitPermit permit, long sentAt)
{
    public Call Call { get; } = call;

    public CircuitPermit Permit { get; } = permit;

    public long SentAt { get; } = sentAt;

    /// <summary>
    /// Gets or sets how long the sender waits for this attempt, in whole milliseconds as <c>Request-Timeout-Ms</c> carries
    /// it: the attempt timeout, or the time left before the call's deadline when that is shorter. <see langword="null"/>
    /// without either.
    /// </summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Gets or sets whether the attempt's limit is the call's deadline rather than the attempt timeout.</summary>
    public bool LimitIsDeadline { get; set; }

    /// <summary>Gets or sets when the attempt reached the server (set by the server): where it counts the sender's time from.</summary>
    public long ArrivedAt { get; set; }

    /// <summary>Gets or sets whether the client has its outcome (an answer, or its own timeout).</summary>
    public bool Settled { get; set; }

    /// <summary>Gets or sets whether the client gave up waiting: whatever the server still does for it is wasted.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Gets or sets the status the server answered.</summary>
    public int Status { get; set; }

    /// <summary>Gets or sets the server's <c>Retry-After</c>, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets how long until the host's quota is back, when its answer said the quota is spent (P1).</summary>
    public TimeSpan? QuotaReset { get; set; }
}
