using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ResilientHttp.Redis.Tests;

/// <summary>
/// One process of a fleet, as a test can have several in one: its own service provider (so its own budgets,
/// circuits, pauses and Redis connection), a client named "api" with the library's handler, and the fleet store
/// when given a Redis. Every request carries <c>X-Process</c> so the server counts each process's sends.
/// </summary>
internal sealed class FleetProcess : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public FleetProcess(string name, Uri server, string? redis, Action<ResilientHttpOptions>? configure = null, Action<FleetOptions>? fleet = null, TimeProvider? time = null, StackExchange.Redis.IConnectionMultiplexer? connection = null)
    {
        Name = name;
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddHttpClient("api", c =>
            {
                c.BaseAddress = server;
                c.DefaultRequestHeaders.Add("X-Process", name);
            })
            .AddResilientHandler(o =>
            {
                o.Retry.BaseDelay = TimeSpan.Zero; // retries at once: nothing to wait for, real time or not
                o.Retry.JitterFactor = 0;
                o.CircuitBreaker.Enabled = false;
                configure?.Invoke(o);
            });
        void Fleet(FleetOptions o)
        {
            // A loaded CI machine (every test assembly at once) can take longer than the default 250 ms for an
            // exchange; the tests of timing out set their own.
            o.StoreTimeout = TimeSpan.FromSeconds(1);
            o.FlushInterval = TimeSpan.FromMilliseconds(50);
            fleet?.Invoke(o);
        }

        if (connection is not null)
        {
            services.AddResilientHttpRedis(connection, Fleet);
        }
        else if (redis is not null)
        {
            services.AddResilientHttpRedis(redis, Fleet);
        }

        _services = services.BuildServiceProvider();
        Unavailable = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "ResilientHttp", "resilienthttp.fleet.store_unavailable");
        Client = _services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        Registry = _services.GetRequiredService<ResilienceRegistry>();
    }

    public string Name { get; }

    /// <summary>Gets the key of the fleet's bucket for the client "api" and a server.</summary>
    public static StackExchange.Redis.RedisKey BudgetKey(Uri server) => $"resilienthttp:budget:{{api|{HostTable.FormatAuthority(server)}}}";

    /// <summary>Gets the key of the kept pause for the client "api" and a server.</summary>
    public static StackExchange.Redis.RedisKey PauseKey(Uri server) => $"resilienthttp:pause:{{api|{HostTable.FormatAuthority(server)}}}";

    public HttpClient Client { get; }

    public FakeLoggerProvider Logs { get; } = new();

    public MetricCollector<long> Unavailable { get; }

    internal ResilienceRegistry Registry { get; }

    internal RedisFleetStore Store => (RedisFleetStore)_services.GetRequiredService<FleetStore>();

    /// <summary>Gets the state this process keeps of the server's host.</summary>
    internal HostState Host => Registry.GetClient("api").Hosts.Hosts.Single();

    /// <summary>Gets how many times the log said a thing.</summary>
    public int Logged(string eventName) => Logs.Collector.GetSnapshot().Count(r => r.Id.Name == eventName);

    public async Task<int> GetStatusAsync(string path = "work")
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        return (int)response.StatusCode;
    }

    /// <summary>Waits, in real time, for something the store does in the background (an answer, a message).</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, int seconds = 20) => EventuallyAsync(condition, () => what, seconds);

    /// <summary>As <see cref="EventuallyAsync(Func{bool}, string, int)"/>, with a description made when it fails (the state then).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, Func<string> what, int seconds = 20)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"Not within {seconds} s: {what()}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Gets whether this process shares pauses.</summary>
    public bool SharesPauses => _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value.SharePauses;

    /// <summary>Gets what the store and the share say now, and the store's log lines, for a failure's message.</summary>
    public string State =>
        $"{Name}: available {Store.IsAvailable}, subscribed {Store.IsSubscribed}, shared {Registry.GetClient("api").Hosts.Hosts.FirstOrDefault()?.Fleet?.IsShared}, log [{string.Join(" | ", Logs.Collector.GetSnapshot().Where(r => r.Category == "ResilientHttp.Redis").Select(r => r.Message))}]";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Unavailable.Dispose();
        await _services.DisposeAsync();
    }
}
