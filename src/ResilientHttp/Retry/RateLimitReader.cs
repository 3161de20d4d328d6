namespace ResilientHttp;

/// <summary>P1: reads a response's quota headers into its outcome: how long until a spent quota is back.</summary>
internal sealed class RateLimitReader(TimeProvider time) : AttemptStrategy
{
    public override void OnAnswered(HttpResponseMessage response, ref AttemptOutcome outcome, in AttemptContext attempt)
    {
        // A response built in memory with no headers has nothing to read, and reading would make it allocate them.
        if (attempt.Options.Retry.HonorRateLimitHeaders && ResponseHeadersPeek.MayHaveHeaders(response) && RateLimitHeaders.Read(response, time) is { } reset)
        {
            outcome = outcome with { QuotaReset = reset };
        }
    }
}
