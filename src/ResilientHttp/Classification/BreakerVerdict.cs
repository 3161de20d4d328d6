namespace ResilientHttp;

/// <summary>How one attempt counts for the circuit breaker.</summary>
internal enum BreakerVerdict
{
    /// <summary>The host did its job: resets the failure count; a probe closes the circuit.</summary>
    Success,

    /// <summary>A failure status, a network error or a timeout: counts toward opening; a probe re-opens.</summary>
    Failure,

    /// <summary>The host answered, but neither well nor badly (4xx bugs, 429): the count is kept; a probe closes.</summary>
    Neutral,

    /// <summary>The attempt says nothing about the host (the caller cancelled): a probe frees its slot for another.</summary>
    Abandoned,
}
