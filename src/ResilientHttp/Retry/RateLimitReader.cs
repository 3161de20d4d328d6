namespace ResilientHttp;

/// <summary>P1: reads a response's quota headers into its outcome: how long until a spent quota is back.</summary>
internal sealed class RateLimitReader(TimeProvider time) : AttemptStrategy
{
    public override void OnAnswered(HttpResponseMessage response, ref AttemptOutcome outcome, in AttemptContext attempt)
    {
        if (attempt.Options.Retry.HonorRateLimitHeaders && RateLimitHeaders.Read(response, time) is { } reset)
        {
            outcome = outcome with { QuotaReset = reset };
        }
    }
}
