namespace ResilientHttp;

/// <summary>
/// One send of a hedged round: the request it sent (the caller's, or a copy for a hedge), its own cancellation
/// (linked to the caller's, so that a loser can be cancelled without cancelling the winner), its context and its send.
/// </summary>
internal sealed class HedgedAttempt(HttpRequestMessage request, CancellationTokenSource cancellation)
{
    public HttpRequestMessage Request => request;

    public CancellationTokenSource Cancellation => cancellation;

    /// <summary>The attempt's context: a field, so that the breaker and the timer can be handed it by reference.</summary>
    public AttemptContext Context;

    public Task<HttpResponseMessage> Send { get; set; } = null!;

    /// <summary>Gets or sets whether the send has completed and been classified.</summary>
    public bool Done { get; set; }
}
