namespace ResilientHttp;

/// <summary>R4: reads a retriable response's <c>Retry-After</c> into its outcome, measured against its own <c>Date</c>.</summary>
internal sealed class RetryAfterReader(TimeProvider time) : AttemptStrategy
{
    public override void OnAnswered(HttpResponseMessage response, ref AttemptOutcome outcome, in AttemptContext attempt)
    {
        RetryOptions retry = attempt.Options.Retry;
        if (retry.HonorRetryAfter && retry.RetrySet.Contains(outcome.StatusCode))
        {
            outcome = outcome with { RetryAfter = RetryAfter.Read(response, time.GetUtcNow()) };
        }
    }
}
