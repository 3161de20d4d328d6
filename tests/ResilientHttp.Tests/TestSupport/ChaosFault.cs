namespace ResilientHttp.Tests;

/// <summary>How the chaos server answers one request.</summary>
internal enum ChaosFault
{
    /// <summary>200 at once.</summary>
    Ok,

    /// <summary>200 after a delay, sometimes past the attempt timeout.</summary>
    Slow,

    /// <summary>502 Bad Gateway.</summary>
    BadGateway,

    /// <summary>503 Service Unavailable.</summary>
    Unavailable,

    /// <summary>504 Gateway Timeout.</summary>
    GatewayTimeout,

    /// <summary>429 with <c>Retry-After: 1</c>.</summary>
    RetryAfterValid,

    /// <summary>503 with <c>Retry-After: 99999999999</c>.</summary>
    RetryAfterHuge,

    /// <summary>429 with a <c>Retry-After</c> date years in the past.</summary>
    RetryAfterPast,

    /// <summary>429 with a <c>Retry-After</c> that is no delay and no date.</summary>
    RetryAfterMalformed,

    /// <summary>Reads the request, then holds it without answering until the client gives up.</summary>
    Stall,

    /// <summary>Reads the request, then drops the connection without answering.</summary>
    Reset,

    /// <summary>Sends 200 with part of a body promised longer, then drops the connection.</summary>
    AbortMidBody,
}
