using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ResilientHttp;

/// <summary>
/// C5: the state of every client name, owned by DI as a singleton so that it outlives the handlers
/// <c>IHttpClientFactory</c> rotates. Never shared across client names.
/// </summary>
internal sealed class ResilienceRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ClientState>> _clients = new(StringComparer.Ordinal);
    private readonly IOptionsFactory<ResilientHttpOptions> _factory;
    private readonly IEnumerable<IOptionsChangeTokenSource<ResilientHttpOptions>> _changeSources;
    private readonly ILoggerFactory _loggers;
    private readonly FleetStore? _fleet;

    public ResilienceRegistry(
        IOptionsFactory<ResilientHttpOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<ResilientHttpOptions>> changeSources,
        TimeProvider time,
        RandomSource random,
        ResilienceMetrics metrics,
        ILoggerFactory? loggers = null,
        FleetStore? fleet = null)
    {
        _fleet = fleet;
        Metrics = metrics;
        _factory = factory;
        _changeSources = changeSources;
        Time = time;
        Random = random;
        _loggers = loggers ?? NullLoggerFactory.Instance;
    }

    public TimeProvider Time { get; }

    public RandomSource Random { get; }

    public ResilienceMetrics Metrics { get; }

    /// <summary>Gets the state of a client name, creating it (and validating its options) on first use.</summary>
    /// <exception cref="OptionsValidationException">The client's options are invalid.</exception>
    public ClientState GetClient(string name)
    {
        Lazy<ClientState> entry = _clients.GetOrAdd(name, n => new Lazy<ClientState>(() => new ClientState(n, _factory, _changeSources, Time, Random, _loggers.CreateLogger("ResilientHttp"), Metrics, _fleet)));
        try
        {
            return entry.Value;
        }
        catch (OptionsValidationException)
        {
            // Not cached: once the configuration is mended, the next client built succeeds.
            _clients.TryRemove(new KeyValuePair<string, Lazy<ClientState>>(name, entry));
            throw;
        }
    }

    /// <summary>Gets the state of a client name that has it, without making it.</summary>
    public ClientState? FindClient(string name) =>
        _clients.TryGetValue(name, out Lazy<ClientState>? entry) && entry.IsValueCreated ? entry.Value : null;

    /// <summary>Gets the client names with state.</summary>
    public IEnumerable<ClientState> Clients => _clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value);

    public void Dispose()
    {
        foreach (ClientState client in Clients)
        {
            client.Dispose();
        }
    }
}
