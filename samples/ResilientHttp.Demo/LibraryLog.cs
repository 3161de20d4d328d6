using Microsoft.Extensions.Logging;

namespace ResilientHttp.Demo;

/// <summary>
/// Puts the library's own log events on the timeline: the demo shows the decisions ResilientHttp made and
/// the reasons it gave, it does not work them out again.
/// </summary>
internal sealed class LibraryLog(Timeline timeline) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => categoryName == "ResilientHttp" ? new Logger(timeline) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(Timeline timeline) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = (state as IReadOnlyList<KeyValuePair<string, object?>>)?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? [];
            string F(string name) => fields.TryGetValue(name, out object? value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty : string.Empty;
            string outcome = F("StatusCode") is "0" or "" ? F("Outcome") : F("StatusCode");
            if (timeline.Muted)
            {
                timeline.Count(F("Reason") is { Length: > 0 } reason ? $"{eventId.Name} ({reason})" : eventId.Name ?? "?");
                return;
            }

            (string text, Tone tone) = eventId.Name switch
            {
                "RetryScheduled" => ($"attempt {F("Attempt")} got {outcome}: retry in {Ms(F("DelayMs"))} ({F("DelaySource")})", Tone.Warn),
                "CallRecovered" => ($"recovered after {F("Attempt")} attempts", Tone.Good),
                "CallFailed" => ($"attempt {F("Attempt")} got {outcome}: not retried ({F("Reason")})", Tone.Bad),
                "CallNotRetried" => ($"got {F("StatusCode")}: not retried ({F("Reason")}: a bug is not fixed by asking again)", Tone.Plain),
                "CircuitOpened" => ($"circuit OPEN after {F("FailureThreshold")} failures in a row, for {Ms(F("BreakDurationMs"))}", Tone.Bad),
                "CallRefused" => ($"refused at once: circuit open, no request sent (probe in {Ms(F("RetryAfterMs"))})", Tone.Warn),
                "CircuitHalfOpened" => ("circuit HALF-OPEN: one probe goes out", Tone.Warn),
                "CircuitClosed" => ("circuit CLOSED: the probe succeeded", Tone.Good),
                "CircuitReopened" => ($"circuit re-OPENED: the probe failed; refused for {Ms(F("BreakDurationMs"))}", Tone.Bad),
                "CircuitProbeOverdue" => ("probe unanswered for a whole break: calls let through again", Tone.Warn),
                "HostPaced" => ($"waits {Ms(F("DelayMs"))}: the host asked for a pause ({F("DelaySource")})", Tone.Warn),
                _ => (formatter(state, exception), Tone.Dim),
            };
            timeline.Add("library", text, tone);
        }

        private static string Ms(string milliseconds) =>
            double.TryParse(milliseconds, System.Globalization.CultureInfo.InvariantCulture, out double ms)
                ? ms >= 1000 ? $"{ms / 1000:0.00} s" : $"{ms:0} ms"
                : milliseconds;
    }
}
