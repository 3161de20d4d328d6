using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Testing.Tests;

/// <summary>A client the way a user's test builds one: the script as its primary handler, the library's handler, virtual time.</summary>
internal sealed class Harness : IDisposable
{
    public static readonly Uri BaseAddress = new("https://api.test/");

    private readonly ServiceProvider _services;

    public Harness(Action<FaultScript> script, Action<ResilientHttpOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        Script = new FaultScript(Time);
        script(Script);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Time);
        collection.AddResilientHttpDecisionRecorder();
        services?.Invoke(collection);
        collection.AddHttpClient("api", c => c.BaseAddress = BaseAddress)
            .UseFaultScript(Script)
            .AddResilientHandler(o =>
            {
                o.Retry.JitterFactor = 0; // exact waits to assert on
                configure?.Invoke(o);
            });
        _services = collection.BuildServiceProvider();
        Client = _services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        Decisions = _services.GetRequiredService<ResilienceDecisionRecorder>();
    }

    public VirtualTime Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FaultScript Script { get; }

    public HttpClient Client { get; }

    public ResilienceDecisionRecorder Decisions { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => Time.RunAsync(Client.GetAsync(path));

    public void Dispose()
    {
        Client.Dispose();
        _services.Dispose();
    }
}
