using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>C1–C6 against a real Kestrel server and a really refused port, counting what reaches the network.</summary>
public sealed class CircuitBreakerIntegrationTests
{
    private static (ServiceProvider Services, SendCounter Counter) CreateServices(
        Uri baseAddress,
        Action<ResilientHttpOptions>? configure = null,
        TimeSpan? handlerLifetime = null,
        IConfiguration? configuration = null)
    {
        var counter = new SendCounter();
        var services = new ServiceCollection();
        if (configuration is not null)
        {
            services.AddSingleton(configuration);
        }

        services.AddHttpClient("it", c => c.BaseAddress = baseAddress)
            .SetHandlerLifetime(handlerLifetime ?? TimeSpan.FromMinutes(2))
            .AddResilientHandler(o =>
            {
                o.Retry.MaxAttempts = 1;
                o.CircuitBreaker.FailureThreshold = 3;
                configure?.Invoke(o);
            })
            .AddHttpMessageHandler(() =>
            {
                counter.PipelineBuilt();
                return new CountingHandler(counter);
            });
        return (services.BuildServiceProvider(), counter);
    }

    private static async Task FailAsync(HttpClient client, int times)
    {
        for (int i = 0; i < times; i++)
        {
            try
            {
                using HttpResponseMessage response = await client.GetAsync("/r");
            }
            catch (HttpRequestException ex) when (ex is not CircuitOpenException)
            {
            }
        }
    }

    [Fact]
    public async Task Get_FailingServer_OpenCircuitSendsNothing()
    {
        int requests = 0;
        await using var server = await KestrelServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        (ServiceProvider services, SendCounter counter) = CreateServices(server.Address);
        using var _ = services;
        HttpClient client = services.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        await FailAsync(client, 3);

        for (int i = 0; i < 10; i++)
        {
            await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));
        }

        counter.Sends.ShouldBe(3);
        requests.ShouldBe(3);
    }

    [Fact]
    public async Task Get_RefusedPort_OpensAfterTheThresholdAndStopsConnecting()
    {
        Uri refused = KestrelServer.RefusedAddress();
        (ServiceProvider services, SendCounter counter) = CreateServices(refused);
        using var _ = services;
        HttpClient client = services.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        await FailAsync(client, 3);

        CircuitOpenException ex = await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));

        counter.Sends.ShouldBe(3);
        ex.Authority.ShouldBe($"http://127.0.0.1:{refused.Port}");
    }

    [Fact]
    public async Task Get_AfterHandlerRotation_TheCircuitIsStillOpen()
    {
        await using var server = await KestrelServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        // A break far longer than the wait for the rotation, so that only lost state could close the circuit.
        (ServiceProvider services, SendCounter counter) = CreateServices(server.Address, o => o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(10), handlerLifetime: TimeSpan.FromSeconds(1));
        using var _ = services;
        IHttpClientFactory factory = services.GetRequiredService<IHttpClientFactory>();
        await FailAsync(factory.CreateClient("it"), 3);

        // Wait (for the factory's own timer, not for a backoff) until it builds a new pipeline.
        HttpClient rotated = factory.CreateClient("it");
        await FakeTimeExtensions.UntilAsync(() =>
        {
            rotated = factory.CreateClient("it");
            return counter.Pipelines >= 2;
        });

        await Should.ThrowAsync<CircuitOpenException>(() => rotated.GetAsync("/r"));
        counter.Sends.ShouldBe(3);
    }

    [Fact]
    public async Task Get_AfterAnOptionsReload_TheCircuitIsStillOpenAndTheNewOptionsApply()
    {
        await using var server = await KestrelServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["ResilientHttp:Clients:it:CircuitBreaker:BreakDuration"] = "00:10:00" },
        };
        IConfigurationRoot configuration = new ConfigurationBuilder().Add(source).Build();
        (ServiceProvider services, SendCounter counter) = CreateServices(server.Address, configuration: configuration);
        using var _ = services;
        HttpClient client = services.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        await FailAsync(client, 3);

        configuration["ResilientHttp:Clients:it:CircuitBreaker:BreakDuration"] = "00:20:00";
        configuration.Reload();

        CircuitOpenException ex = await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));
        ex.RetryAfter.ShouldBeInRange(TimeSpan.FromMinutes(7.9), TimeSpan.FromMinutes(12), "the break in force is the first one's, within its ±20% spread");
        services.GetRequiredService<ResilienceRegistry>().GetClient("it").Options.CircuitBreaker.BreakDuration.ShouldBe(TimeSpan.FromMinutes(20));
        counter.Sends.ShouldBe(3);
    }

    [Fact]
    public async Task Get_SameHostThroughTwoClientNames_KeepsIndependentCircuits()
    {
        await using var server = await KestrelServer.StartAsync(context =>
        {
            context.Response.StatusCode = context.Request.Headers.UserAgent == "a" ? 503 : 200;
            return Task.CompletedTask;
        });
        var services = new ServiceCollection();
        services.AddHttpClient("a", c =>
            {
                c.BaseAddress = server.Address;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("a");
            })
            .AddResilientHandler(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 2));
        services.AddHttpClient("b", c =>
            {
                c.BaseAddress = server.Address;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("b");
            })
            .AddResilientHandler(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 2));
        using ServiceProvider provider = services.BuildServiceProvider();
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();
        await FailAsync(factory.CreateClient("a"), 2);

        await Should.ThrowAsync<CircuitOpenException>(() => factory.CreateClient("a").GetAsync("/r"));
        using HttpResponseMessage fromB = await factory.CreateClient("b").GetAsync("/r");

        fromB.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }
}
