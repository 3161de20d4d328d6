namespace ResilientHttp.AspNetCore;

/// <summary>Why a request was shed.</summary>
internal enum ShedReason
{
    /// <summary>It arrived with no time left (<c>Request-Timeout-Ms: 0</c>).</summary>
    ExpiredOnArrival,

    /// <summary>Its sender's time ran out while it waited in the server, before its endpoint ran.</summary>
    ExpiredWaiting,
}
