namespace ResilientHttp;

/// <summary>How failed calls are retried.</summary>
public sealed class RetryOptions
{
    private StatusCodeSet? _retrySet;

    /// <summary>Gets or sets a value indicating whether calls are retried at all.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the most sends of one call, the first one included.</summary>
    /// <value>4 by default; 1 to 10.</value>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Gets or sets the wait before the first retry; retry <c>n</c> waits <c>BaseDelay * 2^(n-1)</c>.</summary>
    /// <value>1 s by default; 0 to 1 day.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between two attempts computed from the backoff.</summary>
    /// <value>30 s by default; <see cref="BaseDelay"/> to 1 day.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how far each wait is spread around its nominal value: a uniform factor in
    /// <c>[1 - JitterFactor, 1 + JitterFactor)</c>. Waits at the <see cref="MaxDelay"/> cap stay spread below it.
    /// </summary>
    /// <value>0.5 by default; 0 (exact waits) to 1.</value>
    public double JitterFactor { get; set; } = 0.5;

    /// <summary>Gets or sets the response status codes that are retried.</summary>
    /// <value>429, 502, 503 and 504 by default; codes 100 to 599. A list set in configuration replaces this one.</value>
    public IList<int> RetryStatusCodes { get; set; } = [429, 502, 503, 504];

    /// <summary>Gets <see cref="RetryStatusCodes"/> as a set, for the decisions of every attempt.</summary>
    internal StatusCodeSet RetrySet => StatusCodeSet.Of(ref _retrySet, RetryStatusCodes);

    /// <summary>Gets or sets a value indicating whether a response's <c>Retry-After</c> replaces the backoff.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a response saying the host's quota is spent (<c>RateLimit</c>,
    /// <c>RateLimit-Remaining</c> / <c>-Reset</c>, <c>X-RateLimit-*</c>, OpenAI's and Anthropic's headers) holds later
    /// calls to that host until the reset, as a <c>Retry-After</c> does, with the same bounds and jitter.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool HonorRateLimitHeaders { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> that is waited for. A longer one ends retrying:
    /// the response goes back to the caller at once.
    /// </summary>
    /// <value>30 s by default; 0 to 1 day.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets when requests with a non-idempotent method (POST, PATCH, …) may be retried.</summary>
    /// <value><see cref="UnsafeMethodRetry.IfIdempotencyKey"/> by default.</value>
    public UnsafeMethodRetry UnsafeMethods { get; set; } = UnsafeMethodRetry.IfIdempotencyKey;

    /// <summary>Gets or sets the request header whose presence makes a non-idempotent request safe to retry.</summary>
    /// <value><c>Idempotency-Key</c> by default; a valid header name.</value>
    public string IdempotencyKeyHeader { get; set; } = "Idempotency-Key";

    /// <summary>
    /// Gets or sets a value indicating whether a non-idempotent request without the
    /// <see cref="IdempotencyKeyHeader"/> gets a fresh key before its first send (every attempt carries the same key).
    /// </summary>
    /// <value><see langword="false"/> by default.</value>
    public bool AddIdempotencyKey { get; set; }

    /// <summary>
    /// Gets or sets the largest request body buffered so that it can be sent again. A body that cannot be
    /// read twice and is larger is sent once and not retried.
    /// </summary>
    /// <value>1 MiB by default; 0 to 2 GiB.</value>
    public long MaxBufferedBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the retry budget that bounds the extra load retries put on a host.</summary>
    /// <value>Enabled, ratio 0.1, capacity 10.</value>
    public RetryBudgetOptions Budget { get; set; } = new();
}
