namespace ResilientHttp;

/// <summary>How a call ended, for what is told about it.</summary>
internal enum CallEnding
{
    /// <summary>The first attempt was answered well: nothing to tell.</summary>
    Succeeded,

    /// <summary>An answer after retries: recovered, told at Information.</summary>
    Recovered,

    /// <summary>An answer that is no transient failure and is returned as it came (a 4xx bug): told at Debug.</summary>
    Answered,

    /// <summary>A failure that is not retried any more: told as a warning, with why.</summary>
    Failed,

    /// <summary>The caller cancelled, or an open circuit refused the call (told by the breaker): nothing more to tell.</summary>
    Silent,
}
