using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Testing;

/// <summary>
/// Records what the library decided (each retry with its wait and the wait's source, each pause, hedge, refusal,
/// give-up with its reason, each circuit change) from the library's structured log events, every level included.
/// Add it with <c>services.AddResilientHttpDecisionRecorder()</c> and read it from the service provider.
/// </summary>
public sealed class ResilienceDecisionRecorder : ILoggerProvider
{
    /// <summary>The category the library logs under.</summary>
    public const string Category = "ResilientHttp";

    private readonly List<ResilienceDecision> _decisions = [];
    private readonly Lock _gate = new();

    /// <summary>Gets every decision so far, in the order they were made.</summary>
    public IReadOnlyList<ResilienceDecision> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _decisions];
            }
        }
    }

    /// <summary>Gets the decisions of one client so far.</summary>
    /// <param name="clientName">The client's name (a typed client's is its type name).</param>
    /// <returns>Its decisions, in order.</returns>
    public IReadOnlyList<ResilienceDecision> For(string clientName) => [.. Decisions.Where(d => d.ClientName == clientName)];

    /// <summary>Forgets the decisions so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _decisions.Clear();
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => categoryName == Category ? new Recorder(this) : NoLogger.Instance;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static ResilienceDecisionKind? KindOf(string? eventName) => eventName switch
    {
        "RetryScheduled" => ResilienceDecisionKind.Retry,
        "HostPaced" => ResilienceDecisionKind.Paced,
        "CallRecovered" => ResilienceDecisionKind.Recovered,
        "CallFailed" => ResilienceDecisionKind.GaveUp,
        "CallNotRetried" => ResilienceDecisionKind.NotRetried,
        "CallRefused" => ResilienceDecisionKind.Refused,
        "HedgeSent" => ResilienceDecisionKind.Hedged,
        "FaultInjected" or "LatencyInjected" => ResilienceDecisionKind.FaultInjected,
        "CircuitOpened" or "CircuitHalfOpened" or "CircuitClosed" or "CircuitReopened" or "CircuitProbeAbandoned" or "CircuitProbeOverdue" => ResilienceDecisionKind.CircuitChanged,
        _ => null,
    };

    private void Record(EventId id, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        if (KindOf(id.Name) is not { } kind)
        {
            return;
        }

        object? Field(string name)
        {
            foreach (KeyValuePair<string, object?> field in fields)
            {
                if (field.Key == name)
                {
                    return field.Value;
                }
            }

            return null;
        }

        string? Text(string name) => Field(name) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        int? Number(string name) => Field(name) is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
        TimeSpan? Milliseconds(params string[] names) =>
            names.Select(Field).FirstOrDefault(v => v is not null) is { } value ? TimeSpan.FromMilliseconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)) : null;

        var decision = new ResilienceDecision(
            kind,
            id.Name!,
            Text("ClientName") ?? string.Empty,
            Text("Method"),
            Text("Authority"),
            Text("Path") is { Length: > 0 } path ? path : null,
            kind == ResilienceDecisionKind.Hedged ? Number("Hedge") : Number("Attempt"),
            Text("Outcome"),
            Number("StatusCode"),
            Milliseconds("DelayMs", "RetryAfterMs", "LatencyMs", "BreakDurationMs"),
            Text("DelaySource"),
            Text("Reason"));
        lock (_gate)
        {
            _decisions.Add(decision);
        }
    }

    private sealed class Recorder(ResilienceDecisionRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                owner.Record(eventId, fields);
            }
        }
    }

    private sealed class NoLogger : ILogger
    {
        public static readonly NoLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
