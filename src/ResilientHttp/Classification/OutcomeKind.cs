namespace ResilientHttp;

/// <summary>What one attempt ended with.</summary>
internal enum OutcomeKind
{
    /// <summary>The server answered; see <see cref="AttemptOutcome.StatusCode"/>.</summary>
    Response,

    /// <summary>The connection could not be made (name resolution failed, connection refused): nothing was sent.</summary>
    ConnectFailure,

    /// <summary>Any other <see cref="HttpRequestException"/>: reset, protocol error, aborted response.</summary>
    NetworkError,

    /// <summary>The attempt was cut by the attempt timeout or the call's deadline.</summary>
    Timeout,

    /// <summary>The caller cancelled.</summary>
    Canceled,

    /// <summary>The host's circuit is open: the attempt was refused without touching the network.</summary>
    CircuitOpen,

    /// <summary>
    /// The server answered, but beyond a limit of this client (headers over <c>MaxResponseHeadersLength</c>):
    /// the host is up, and every attempt would end the same.
    /// </summary>
    ClientLimitExceeded,

    /// <summary>An exception that says nothing about the host (a bug in an inner handler, a disposed object).</summary>
    OtherException,
}
