namespace ResilientHttp;

/// <summary>The facts about one attempt that every decision is made from; no <see cref="HttpClient"/> needed.</summary>
/// <param name="Kind">What the attempt ended with.</param>
/// <param name="StatusCode">The response status code, or 0 when there was no response.</param>
/// <param name="RetryAfter">The response's usable <c>Retry-After</c>, or <see langword="null"/> when absent, malformed or past.</param>
/// <param name="QuotaReset">P1: how long until the host's quota is there again, when the response says it is spent.</param>
internal readonly record struct AttemptOutcome(OutcomeKind Kind, int StatusCode = 0, TimeSpan? RetryAfter = null, TimeSpan? QuotaReset = null)
{
    public static AttemptOutcome Status(int statusCode, TimeSpan? retryAfter = null) => new(OutcomeKind.Response, statusCode, retryAfter);

    public static AttemptOutcome Of(OutcomeKind kind) => new(kind);

    public bool IsResponse => Kind == OutcomeKind.Response;
}
