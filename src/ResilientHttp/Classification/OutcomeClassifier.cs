using System.Net.Sockets;

namespace ResilientHttp;

/// <summary>
/// The one place that decides what an outcome means: is it retriable, is it a breaker failure, and is it
/// safe to send this request again. Plain functions of their arguments.
/// </summary>
internal static class OutcomeClassifier
{
    /// <summary>Classifies an exception thrown by an attempt.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="callerCanceled">Whether the caller's own token is cancelled.</param>
    /// <param name="timedOut">Whether the attempt's own time limit fired: only then is a cancellation a timeout.</param>
    public static OutcomeKind ClassifyException(Exception exception, bool callerCanceled, bool timedOut) => exception switch
    {
        CircuitOpenException => OutcomeKind.CircuitOpen,
        OperationCanceledException when callerCanceled => OutcomeKind.Canceled,
        OperationCanceledException when timedOut => OutcomeKind.Timeout,
        OperationCanceledException => OutcomeKind.OtherException,
        HttpRequestException http when IsConnectFailure(http) => OutcomeKind.ConnectFailure,
        HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => OutcomeKind.ClientLimitExceeded,
        HttpRequestException => OutcomeKind.NetworkError,
        _ => OutcomeKind.OtherException,
    };

    /// <summary>
    /// Whether the request provably never reached the server: name resolution failed (for good, or for now
    /// when no resolver answered) or the connection was refused, so not a byte of it was sent.
    /// </summary>
    public static bool IsConnectFailure(HttpRequestException exception)
    {
        if (exception.HttpRequestError is HttpRequestError.NameResolutionError)
        {
            return true;
        }

        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain;
            }
        }

        return false;
    }

    /// <summary>R2: whether the outcome is a transient failure worth another attempt.</summary>
    public static bool IsRetriable(in AttemptOutcome outcome, RetryOptions options) => outcome.Kind switch
    {
        OutcomeKind.Response => options.RetrySet.Contains(outcome.StatusCode),
        OutcomeKind.ConnectFailure or OutcomeKind.NetworkError or OutcomeKind.Timeout => true,
        _ => false,
    };

    /// <summary>C2: how the outcome counts for the breaker.</summary>
    public static BreakerVerdict ForBreaker(in AttemptOutcome outcome, CircuitBreakerOptions options) => outcome.Kind switch
    {
        OutcomeKind.Response when options.FailureSet.Contains(outcome.StatusCode) => BreakerVerdict.Failure,
        OutcomeKind.Response when outcome.StatusCode < 400 => BreakerVerdict.Success,
        OutcomeKind.Response or OutcomeKind.ClientLimitExceeded => BreakerVerdict.Neutral,
        OutcomeKind.ConnectFailure or OutcomeKind.NetworkError or OutcomeKind.Timeout => BreakerVerdict.Failure,
        _ => BreakerVerdict.Abandoned,
    };

    /// <summary>RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent.</summary>
    public static bool IsIdempotentMethod(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
        method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete;

    /// <summary>
    /// R5: whether a request that may have reached the server can be sent again without risking a
    /// duplicate effect.
    /// </summary>
    /// <param name="method">The request method.</param>
    /// <param name="hasIdempotencyKey">Whether the request carries the idempotency key header.</param>
    /// <param name="declaredIdempotent">Whether the caller declared this call idempotent.</param>
    /// <param name="policy">The configured policy for non-idempotent methods.</param>
    public static bool IsSafeToResend(HttpMethod method, bool hasIdempotencyKey, bool declaredIdempotent, UnsafeMethodRetry policy) =>
        declaredIdempotent || IsIdempotentMethod(method) || policy switch
        {
            UnsafeMethodRetry.Always => true,
            UnsafeMethodRetry.IfIdempotencyKey => hasIdempotencyKey,
            _ => false,
        };
}
