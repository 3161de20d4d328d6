using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ResilientHttp.Interop.Tests;

/// <summary>
/// D1: whatever the order of the calls, a client with <c>AddResilientHandler</c> ends up with one resilience
/// layer, ours: a call to a host answering 503 reaches it <see cref="OurAttempts"/> times, not
/// <see cref="OurAttempts"/> × <see cref="Layers.Sends"/>, and the replacement is logged once. Each call goes
/// to a real Kestrel upstream on loopback, which counts what reaches it.
/// </summary>
public sealed class OneResilienceLayerTests : IAsyncLifetime
{
    private const int OurAttempts = 3;
    private const string Client = "orders";

    private Upstream _upstream = null!;

    /// <summary>Where the other layer is put, and in which order the two calls are made.</summary>
    public enum Setup
    {
        /// <summary><c>.AddResilientHandler().AddTheirs()</c>.</summary>
        PerClientOursFirst,

        /// <summary><c>.AddTheirs().AddResilientHandler()</c>.</summary>
        PerClientTheirsFirst,

        /// <summary>The client with ours, then <c>ConfigureHttpClientDefaults(b => b.AddTheirs())</c>.</summary>
        TheirsInDefaultsRegisteredAfter,

        /// <summary><c>ConfigureHttpClientDefaults(b => b.AddTheirs())</c> (as Aspire's service defaults), then the client with ours.</summary>
        TheirsInDefaultsRegisteredBefore,

        /// <summary><c>ConfigureHttpClientDefaults(b => b.AddResilientHandler())</c>, then the client with theirs.</summary>
        OursInDefaultsRegisteredBefore,

        /// <summary>The client with theirs, then <c>ConfigureHttpClientDefaults(b => b.AddResilientHandler())</c>.</summary>
        OursInDefaultsRegisteredAfter,
    }

    public static TheoryData<Layer, Setup> EveryLayerAndSetup()
    {
        var data = new TheoryData<Layer, Setup>();
        foreach (Layer layer in Layers.All)
        {
            foreach (Setup setup in Enum.GetValues<Setup>())
            {
                data.Add(layer, setup);
            }
        }

        return data;
    }

    public static TheoryData<Layer> EveryLayer() => new(Layers.All);

    public async Task InitializeAsync() => _upstream = await Upstream.StartAsync(503);

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Theory]
    [MemberData(nameof(EveryLayer))]
    public async Task Send_TheOtherLayerAlone_SendsItsOwnCount(Layer layer)
    {
        // The control: what a user of the other layer sees before adding ours, measured the same way.
        await using ServiceProvider provider = Build(services => Layers.Add(services.AddHttpClient(Client), layer));

        using HttpResponseMessage response = await SendAsync(provider, Client);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _upstream.Requests.ShouldBe(Layers.Sends);
        Replacements(provider).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(EveryLayerAndSetup))]
    public async Task Send_WithTheOtherLayerToo_ReachesTheHostMaxAttemptsTimes(Layer layer, Setup setup)
    {
        await using ServiceProvider provider = Build(services => Register(services, layer, setup));

        using HttpResponseMessage response = await SendAsync(provider, Client);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _upstream.Requests.ShouldBe(OurAttempts);
    }

    [Theory]
    [MemberData(nameof(EveryLayerAndSetup))]
    public async Task Send_WithTheOtherLayerToo_LogsTheReplacementOnceNamingTheClientAndTheRemovedTypes(Layer layer, Setup setup)
    {
        await using ServiceProvider provider = Build(services => Register(services, layer, setup));

        using (await SendAsync(provider, Client))
        {
        }

        using (await SendAsync(provider, Client))
        {
        }

        FakeLogRecord record = Replacements(provider).ShouldHaveSingleItem();
        record.Level.ShouldBe(LogLevel.Information);
        record.Category.ShouldBe("ResilientHttp");
        record.Id.Name.ShouldBe("ResilienceHandlerReplaced");
        Field(record, "ClientName").ShouldBe(Client);
        Field(record, "RemovedHandlers").ShouldBe(string.Join(", ", Layers.HandlerTypes(layer)));
        record.Message.ShouldContain(Client);
        record.Message.ShouldContain(Layers.HandlerTypes(layer)[0]);
    }

    [Theory]
    [MemberData(nameof(EveryLayer))]
    public async Task Send_OtherLayerInDefaults_AClientWithoutAddResilientHandlerKeepsIt(Layer layer)
    {
        await using ServiceProvider provider = Build(services =>
        {
            services.ConfigureHttpClientDefaults(b => Layers.Add(b, layer));
            AddOurs(services.AddHttpClient(Client));
            services.AddHttpClient("inventory");
        });

        using (await SendAsync(provider, "inventory"))
        {
        }

        int inventorySends = _upstream.Requests;
        using (await SendAsync(provider, Client))
        {
        }

        inventorySends.ShouldBe(Layers.Sends);
        (_upstream.Requests - inventorySends).ShouldBe(OurAttempts);
        Replacements(provider).Select(r => Field(r, "ClientName")).ShouldBe([Client]);
    }

    [Fact]
    public async Task Send_AfterTheHandlerRotates_StillOneLayerAndTheReplacementIsNotLoggedAgain()
    {
        var expired = new HandlerExpirySignal();
        await using ServiceProvider provider = Build(services =>
        {
            services.AddLogging(b => b.AddProvider(expired).AddFilter<HandlerExpirySignal>("Microsoft.Extensions.Http", LogLevel.Debug));
            IHttpClientBuilder builder = services.AddHttpClient(Client).SetHandlerLifetime(TimeSpan.FromSeconds(1));
            Layers.Add(builder, Layer.StandardResilienceHandler);
            AddOurs(builder);
        });
        var handlers = provider.GetRequiredService<IHttpMessageHandlerFactory>();
        HttpMessageHandler first = handlers.CreateHandler(Client);
        using (await SendAsync(provider, Client))
        {
        }

        // The factory's smallest lifetime is one second; its own expiry event says when the pipeline goes.
        await expired.WaitAsync(Client, TimeSpan.FromSeconds(30));
        HttpMessageHandler second = handlers.CreateHandler(Client);
        using (await SendAsync(provider, Client))
        {
        }

        second.ShouldNotBeSameAs(first);
        _upstream.Requests.ShouldBe(2 * OurAttempts);
        Replacements(provider).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_ASubclassOfAnotherLayersHandler_IsRemovedToo()
    {
        await using ServiceProvider provider = Build(services => AddOurs(services.AddHttpClient(Client))
            .AddHttpMessageHandler(() => new DerivedPolicyHandler(Layers.Retries)));

        using (await SendAsync(provider, Client))
        {
        }

        _upstream.Requests.ShouldBe(OurAttempts);
        Field(Replacements(provider).ShouldHaveSingleItem(), "RemovedHandlers").ShouldBe(typeof(DerivedPolicyHandler).FullName);
    }

    [Fact]
    public async Task Send_AHandlerThatIsNotAResilienceLayer_StaysInThePipeline()
    {
        var counted = new CountingHandler();
        await using ServiceProvider provider = Build(services =>
        {
            IHttpClientBuilder builder = AddOurs(services.AddHttpClient(Client));
            Layers.Add(builder, Layer.StandardResilienceHandler);
            builder.AddHttpMessageHandler(() => counted);
        });

        using (await SendAsync(provider, Client))
        {
        }

        counted.Sends.ShouldBe(OurAttempts);
        _upstream.Requests.ShouldBe(OurAttempts);
    }

    private static IHttpClientBuilder AddOurs(IHttpClientBuilder builder) => builder.AddResilientHandler(o =>
    {
        o.Retry.MaxAttempts = OurAttempts;
        (o.Retry.BaseDelay, o.Retry.MaxDelay) = (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20));

        // Two failing calls (six failures) must neither open the circuit nor empty the budget: these tests count attempts.
        o.CircuitBreaker.FailureThreshold = 10;
        o.Retry.Budget.Capacity = 10;
    });

    private static void Register(IServiceCollection services, Layer layer, Setup setup)
    {
        switch (setup)
        {
            case Setup.PerClientOursFirst:
                Layers.Add(AddOurs(services.AddHttpClient(Client)), layer);
                break;
            case Setup.PerClientTheirsFirst:
                IHttpClientBuilder builder = services.AddHttpClient(Client);
                Layers.Add(builder, layer);
                AddOurs(builder);
                break;
            case Setup.TheirsInDefaultsRegisteredAfter:
                AddOurs(services.AddHttpClient(Client));
                services.ConfigureHttpClientDefaults(b => Layers.Add(b, layer));
                break;
            case Setup.TheirsInDefaultsRegisteredBefore:
                services.ConfigureHttpClientDefaults(b => Layers.Add(b, layer));
                AddOurs(services.AddHttpClient(Client));
                break;
            case Setup.OursInDefaultsRegisteredBefore:
                services.ConfigureHttpClientDefaults(b => AddOurs(b));
                Layers.Add(services.AddHttpClient(Client), layer);
                break;
            case Setup.OursInDefaultsRegisteredAfter:
                Layers.Add(services.AddHttpClient(Client), layer);
                services.ConfigureHttpClientDefaults(b => AddOurs(b));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(setup), setup, null);
        }
    }

    private ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        register(services);
        services.ConfigureHttpClientDefaults(b => b.ConfigureHttpClient(c => c.BaseAddress = _upstream.Address));
        return services.BuildServiceProvider();
    }

    private static Task<HttpResponseMessage> SendAsync(IServiceProvider provider, string client) =>
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(client).GetAsync("orders/42");

    private static IReadOnlyList<FakeLogRecord> Replacements(IServiceProvider provider) =>
        provider.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Id.Id == 14).ToList();

    private static string? Field(FakeLogRecord record, string name) =>
        record.StructuredState!.FirstOrDefault(kv => kv.Key == name).Value;
}
