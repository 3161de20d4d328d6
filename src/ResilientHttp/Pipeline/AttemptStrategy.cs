namespace ResilientHttp;

/// <summary>
/// The seam a capability joins the pipeline through: it sees every attempt as it goes out, may read what the host
/// said into the attempt's outcome, and may answer in place of the network below the breaker. A capability is one
/// subclass in one file, and one line in <see cref="AttemptStrategies.For"/>. Every hook runs on the attempt's
/// path, so each must be cheap and must not throw; a hook a strategy does not override is never called
/// (<see cref="AttemptStrategies"/>).
/// </summary>
internal abstract class AttemptStrategy
{
    /// <summary>Called as an attempt is about to be sent (after the breaker let it through).</summary>
    /// <param name="request">The request, which may be given headers of this attempt.</param>
    /// <param name="attempt">The attempt.</param>
    public virtual void OnSending(HttpRequestMessage request, in AttemptContext attempt)
    {
    }

    /// <summary>Called when a response came: reads into <paramref name="outcome"/> what the host said (a pause, a quota).</summary>
    /// <param name="response">The response.</param>
    /// <param name="outcome">The attempt's outcome, as classified so far.</param>
    /// <param name="attempt">The attempt.</param>
    public virtual void OnAnswered(HttpResponseMessage response, ref AttemptOutcome outcome, in AttemptContext attempt)
    {
    }

    /// <summary>
    /// Below the breaker, before the network: returns an answer to use instead of sending (which may itself send,
    /// later, through <paramref name="send"/>), or <see langword="null"/> to let the attempt go out as it is.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="send">Sends the request on to the network (the handler below the breaker).</param>
    public virtual Task<HttpResponseMessage>? Intercept(HttpRequestMessage request, in AttemptContext attempt, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send) => null;
}
