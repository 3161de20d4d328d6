namespace ResilientHttp;

/// <summary>Why a retry decision went the way it did. Stable names: they appear in logs and metrics.</summary>
internal enum RetryDecisionReason
{
    /// <summary>Retrying: the attempt failed transiently.</summary>
    Retry,

    /// <summary>Not retried: the outcome is not a transient failure (a success, or a 4xx bug).</summary>
    NotRetriable,

    /// <summary>Not retried: the caller cancelled.</summary>
    Canceled,

    /// <summary>Not retried: the host's circuit is open.</summary>
    CircuitOpen,

    /// <summary>Not retried: retries are turned off for this client or this call.</summary>
    RetriesDisabled,

    /// <summary>Not retried: <see cref="RetryOptions.MaxAttempts"/> sends were made.</summary>
    AttemptsExhausted,

    /// <summary>Not retried: the method is not idempotent and nothing proves a resend is safe.</summary>
    UnsafeMethod,

    /// <summary>Not retried: the request body could not be buffered for a second send.</summary>
    BodyNotReplayable,

    /// <summary>Not retried: the host's <c>Retry-After</c> is longer than <see cref="RetryOptions.MaxRetryAfter"/>.</summary>
    RetryAfterTooLong,

    /// <summary>Not retried: the wait would end past the call's deadline.</summary>
    DeadlineExceeded,

    /// <summary>Not retried: the host's retry budget is spent.</summary>
    BudgetExhausted,

    /// <summary>The fleet's budget must be heard first: the loop waits for the store's answer and decides again (never a call's ending).</summary>
    BudgetPending,
}
