using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Interop.Tests;

/// <summary>
/// Completes when <c>IHttpClientFactory</c> logs that a client's handler expired (its debug event
/// <c>HandlerExpired</c>), so that a test waits for the rotation itself instead of sleeping.
/// </summary>
internal sealed class HandlerExpirySignal : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _expired = new(StringComparer.Ordinal);

    public Task WaitAsync(string client, TimeSpan timeout) => Of(client).Task.WaitAsync(timeout);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private TaskCompletionSource Of(string client) =>
        _expired.GetOrAdd(client, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Logger(HandlerExpirySignal owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "HandlerExpired" && state is IReadOnlyList<KeyValuePair<string, object?>> fields
                && fields.FirstOrDefault(f => f.Key == "ClientName").Value is string client)
            {
                owner.Of(client).TrySetResult();
            }
        }
    }
}
