using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace ResilientHttp.Tests;

/// <summary>
/// A client built the way users build one (IHttpClientFactory + AddResilientHandler) over MockHttp, with a
/// fake clock and a pinned random source. Nothing sleeps: <see cref="RunAsync{T}"/> moves the clock.
/// </summary>
internal sealed class TestClient : IDisposable
{
    public const string Name = "test";
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly Uri BaseAddress = new("http://api.test/");

    private TestClient(ServiceProvider services, TestTimeProvider time, FixedRandom random, MockHttpMessageHandler mock, RecordingHandler recorder)
    {
        Services = services;
        Time = time;
        Random = random;
        Mock = mock;
        Recorder = recorder;
        Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(Name);
    }

    public ServiceProvider Services { get; }

    public TestTimeProvider Time { get; }

    public FixedRandom Random { get; }

    public MockHttpMessageHandler Mock { get; }

    public RecordingHandler Recorder { get; }

    public HttpClient Client { get; }

    public IReadOnlyList<Sent> Sent => Recorder.Sent;

    internal ClientState State => Services.GetRequiredService<ResilienceRegistry>().GetClient(Name);

    /// <summary>Gets the state (circuit, budget, pacing) of the client's one host, <c>http://api.test</c>.</summary>
    internal HostState Host => State.Hosts.Get(BaseAddress, State.Options);

    public static TestClient Create(Action<ResilientHttpOptions>? configure = null, double random = 0.5, Action<IServiceCollection>? services = null)
    {
        var time = new TestTimeProvider(Start);
        var fixedRandom = new FixedRandom(random);
        var mock = new MockHttpMessageHandler();
        var recorder = new RecordingHandler(mock, time, Start);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddSingleton<RandomSource>(fixedRandom);
        services?.Invoke(collection);
        collection.AddHttpClient(Name, c => c.BaseAddress = BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => recorder)
            .AddResilientHandler(configure ?? (_ => { }));
        return new TestClient(collection.BuildServiceProvider(), time, fixedRandom, mock, recorder);
    }

    /// <summary>Answers every request from <paramref name="responses"/> in order, the last one repeating.</summary>
    public TestClient Respond(params Func<HttpResponseMessage>[] responses)
    {
        int next = 0;
        Mock.When("*").Respond(_ => responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)]());
        return this;
    }

    /// <summary>Answers every request with <paramref name="answer"/>, which sees the attempt's cancellation token.</summary>
    public TestClient Handle(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        Recorder.Override = answer;
        return this;
    }

    /// <summary>Answers with these status codes in order, the last one repeating.</summary>
    public TestClient RespondStatuses(params int[] statuses) =>
        Respond(statuses.Select(s => (Func<HttpResponseMessage>)(() => new HttpResponseMessage((System.Net.HttpStatusCode)s))).ToArray());

    /// <summary>Runs a call to completion, advancing the fake clock while it waits.</summary>
    public Task<T> RunAsync<T>(Task<T> call) => Time.RunAsync(call);

    public Task<HttpResponseMessage> GetAsync(string path = "/resource") => RunAsync(Client.GetAsync(path));

    public void Dispose()
    {
        Client.Dispose();
        Services.Dispose();
    }
}
