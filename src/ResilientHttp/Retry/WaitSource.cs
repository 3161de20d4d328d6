namespace ResilientHttp;

/// <summary>Why a call waits.</summary>
internal enum WaitSource
{
    /// <summary>The exponential backoff before a retry (R3).</summary>
    Backoff,

    /// <summary>The host's <c>Retry-After</c> on the failed attempt (R4).</summary>
    RetryAfter,

    /// <summary>The host's pause, asked for earlier by any call of the client through <c>Retry-After</c> (R10).</summary>
    Pacing,

    /// <summary>The host's quota, spent until its reset, as its rate-limit headers said (P1).</summary>
    RateLimit,
}
