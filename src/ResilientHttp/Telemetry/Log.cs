using Microsoft.Extensions.Logging;

namespace ResilientHttp;

/// <summary>
/// Every log event of the library, with stable ids and names. Paths are logged without their query
/// string and no header value is ever logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "{ClientName}: {Method} {Authority}{Path} attempt {Attempt} ended with {Outcome} {StatusCode}; retrying in {DelayMs} ms ({DelaySource})", EventName = "RetryScheduled")]
    public static partial void RetryScheduled(ILogger logger, string clientName, string method, string authority, string path, int attempt, OutcomeKind outcome, int statusCode, double delayMs, string delaySource);

    [LoggerMessage(2, LogLevel.Information, "{ClientName}: {Method} {Authority}{Path} succeeded after {Attempt} attempts", EventName = "CallRecovered")]
    public static partial void CallRecovered(ILogger logger, string clientName, string method, string authority, string path, int attempt);

    [LoggerMessage(3, LogLevel.Warning, "{ClientName}: {Method} {Authority}{Path} failed after {Attempt} attempts with {Outcome} {StatusCode}; not retried: {Reason}", EventName = "CallFailed")]
    public static partial void CallFailed(ILogger logger, string clientName, string method, string authority, string path, int attempt, OutcomeKind outcome, int statusCode, RetryDecisionReason reason);

    [LoggerMessage(4, LogLevel.Warning, "{ClientName}: circuit for {Authority} opened after {FailureThreshold} consecutive failures; calls are refused for {BreakDurationMs} ms", EventName = "CircuitOpened")]
    public static partial void CircuitOpened(ILogger logger, string clientName, string authority, int failureThreshold, double breakDurationMs);

    [LoggerMessage(5, LogLevel.Information, "{ClientName}: circuit for {Authority} half-open: one probe goes out", EventName = "CircuitHalfOpened")]
    public static partial void CircuitHalfOpened(ILogger logger, string clientName, string authority);

    [LoggerMessage(6, LogLevel.Information, "{ClientName}: circuit for {Authority} closed: the probe succeeded", EventName = "CircuitClosed")]
    public static partial void CircuitClosed(ILogger logger, string clientName, string authority);

    [LoggerMessage(7, LogLevel.Warning, "{ClientName}: circuit for {Authority} re-opened: the probe failed; calls are refused for {BreakDurationMs} ms", EventName = "CircuitReopened")]
    public static partial void CircuitReopened(ILogger logger, string clientName, string authority, double breakDurationMs);

    [LoggerMessage(8, LogLevel.Information, "{ClientName}: probe to {Authority} was abandoned; the next call probes", EventName = "CircuitProbeAbandoned")]
    public static partial void CircuitProbeAbandoned(ILogger logger, string clientName, string authority);

    [LoggerMessage(9, LogLevel.Warning, "{ClientName}: {Method} {Authority}{Path} refused: circuit open, next probe in {RetryAfterMs} ms", EventName = "CallRefused")]
    public static partial void CallRefused(ILogger logger, string clientName, string method, string authority, string path, double retryAfterMs);

    [LoggerMessage(10, LogLevel.Information, "{ClientName}: {Method} {Authority}{Path} waits {DelayMs} ms: the host asked for a pause ({DelaySource})", EventName = "HostPaced")]
    public static partial void HostPaced(ILogger logger, string clientName, string method, string authority, string path, double delayMs, string delaySource);

    [LoggerMessage(11, LogLevel.Error, "{ClientName}: the new ResilientHttp configuration is invalid and was not applied; the last valid options stay in force. {Failures}", EventName = "OptionsReloadRejected")]
    public static partial void OptionsReloadRejected(ILogger logger, string clientName, string failures);

    [LoggerMessage(12, LogLevel.Debug, "{ClientName}: ResilientHttp options reloaded", EventName = "OptionsReloaded")]
    public static partial void OptionsReloaded(ILogger logger, string clientName);

    [LoggerMessage(13, LogLevel.Debug, "{ClientName}: {Method} {Authority}{Path} answered {StatusCode} after {Attempt} attempts; not retried: {Reason}", EventName = "CallNotRetried")]
    public static partial void CallNotRetried(ILogger logger, string clientName, string method, string authority, string path, int attempt, int statusCode, RetryDecisionReason reason);

    [LoggerMessage(14, LogLevel.Information, "{ClientName}: removed {RemovedHandlers} from the client's pipeline: ResilientHttp is its one resilience layer (stacked layers multiply attempts)", EventName = "ResilienceHandlerReplaced")]
    public static partial void ResilienceHandlerReplaced(ILogger logger, string clientName, string removedHandlers);

    [LoggerMessage(15, LogLevel.Information, "{ClientName}: probe to {Authority} has not been answered within a break; calls are let through until it is", EventName = "CircuitProbeOverdue")]
    public static partial void CircuitProbeOverdue(ILogger logger, string clientName, string authority);

    [LoggerMessage(16, LogLevel.Debug, "{ClientName}: {Method} {Authority}{Path} unanswered after {DelayMs} ms; hedge {Hedge} sent beside it", EventName = "HedgeSent")]
    public static partial void HedgeSent(ILogger logger, string clientName, string method, string authority, string path, double delayMs, int hedge);

    [LoggerMessage(17, LogLevel.Information, "{ClientName}: {Method} {Authority}{Path} attempt {Attempt}: injected fault {StatusCode} (FaultInjection)", EventName = "FaultInjected")]
    public static partial void FaultInjected(ILogger logger, string clientName, string method, string authority, string path, int attempt, int statusCode);

    [LoggerMessage(18, LogLevel.Information, "{ClientName}: {Method} {Authority}{Path} attempt {Attempt}: injected latency of {LatencyMs} ms (FaultInjection)", EventName = "LatencyInjected")]
    public static partial void LatencyInjected(ILogger logger, string clientName, string method, string authority, string path, int attempt, double latencyMs);
}
