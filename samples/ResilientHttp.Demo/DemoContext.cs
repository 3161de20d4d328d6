using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Demo;

/// <summary>What a scenario plays with: the fault server, the timeline, and clients built as users build them.</summary>
internal sealed class DemoContext(FaultServer server, Timeline timeline, bool fast) : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private int _connects;

    public FaultServer Server { get; } = server;

    public Timeline Timeline { get; } = timeline;

    public bool Fast { get; } = fast;

    /// <summary>Gets how many TCP connections clients built here have tried to open.</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Scales a wait down in <c>--fast</c> mode.</summary>
    public TimeSpan Wait(TimeSpan normal) => Fast ? normal / 10 : normal;

    /// <summary>Builds a client the way a user does: IHttpClientFactory, AddResilientHandler, logging.</summary>
    public HttpClient CreateClient(string name, Uri baseAddress, Action<ResilientHttpOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new LibraryLog(Timeline)));
        services.AddHttpClient(name, c => c.BaseAddress = baseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Counts connection attempts: an open circuit must make none.
                ConnectCallback = async (context, ct) =>
                {
                    Interlocked.Increment(ref _connects);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            })
            .AddResilientHandler(configure);
        ServiceProvider provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
