using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>
/// C2, C4, C8 and the overdue probe against a real Kestrel server: real sockets, real requests counted at the
/// server, and a fake clock for the breaks and attempt timeouts, so that nothing waits them out.
/// </summary>
public sealed class BreakTimingIntegrationTests
{
    private static (ServiceProvider Provider, TestTimeProvider Time) CreateServices(Uri address, Action<ResilientHttpOptions> configure, params string[] names)
    {
        var time = new TestTimeProvider(TestClient.Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        foreach (string name in names.Length == 0 ? ["it"] : names)
        {
            services.AddHttpClient(name, c => c.BaseAddress = address).AddResilientHandler(o =>
            {
                o.Retry.MaxAttempts = 1;
                o.CircuitBreaker.FailureThreshold = 3;
                configure(o);
            });
        }

        return (services.BuildServiceProvider(), time);
    }

    private static async Task FailAsync(HttpClient client, int times)
    {
        for (int i = 0; i < times; i++)
        {
            using HttpResponseMessage response = await client.GetAsync("/r");
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }
    }

    [Fact]
    public async Task Get_ProbesFailingAgainstARealServer_TheBreakDoublesToMaxBreakDurationAndASuccessfulProbeResetsIt()
    {
        int requests = 0;
        bool up = false;
        await using var server = await KestrelServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = Volatile.Read(ref up) ? 200 : 503;
            return Task.CompletedTask;
        });
        (ServiceProvider provider, TestTimeProvider time) = CreateServices(server.Address, o =>
        {
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(2);
            o.CircuitBreaker.MaxBreakDuration = TimeSpan.FromSeconds(8);
            o.CircuitBreaker.BreakJitterFactor = 0;
        });
        await using ServiceProvider owned = provider;
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        await FailAsync(client, 3);

        var breaks = new List<TimeSpan>();
        for (int probe = 0; probe < 4; probe++)
        {
            CircuitOpenException refused = await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));
            breaks.Add(refused.RetryAfter);
            time.Advance(refused.RetryAfter);
            await FailAsync(client, 1);
        }

        Volatile.Write(ref up, true);
        time.Advance((await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"))).RetryAfter);
        using (HttpResponseMessage closing = await client.GetAsync("/r"))
        {
            closing.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        Volatile.Write(ref up, false);
        await FailAsync(client, 3);
        CircuitOpenException again = await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));

        breaks.ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)]);
        again.RetryAfter.ShouldBe(TimeSpan.FromSeconds(2));
        requests.ShouldBe(3 + 4 + 1 + 3, "one probe per break reached the server, nothing while open");
    }

    [Fact]
    public async Task Get_ManyClientsOpeningTogether_ProbeAtTimesSpreadByTheJitter()
    {
        int requests = 0;
        await using var server = await KestrelServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        string[] names = [.. Enumerable.Range(0, 20).Select(i => $"instance-{i}")];
        (ServiceProvider provider, TestTimeProvider time) = CreateServices(server.Address, o =>
        {
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
            o.CircuitBreaker.BreakJitterFactor = 0.2;
        }, names);
        await using ServiceProvider owned = provider;
        IHttpClientFactory factory = provider.GetRequiredService<IHttpClientFactory>();
        var breaks = new List<TimeSpan>();
        foreach (string name in names)
        {
            HttpClient client = factory.CreateClient(name);
            await FailAsync(client, 3);
            breaks.Add((await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"))).RetryAfter);
        }

        breaks.ShouldAllBe(b => b >= TimeSpan.FromSeconds(8) && b <= TimeSpan.FromSeconds(12));
        breaks.Distinct().Count().ShouldBeGreaterThan(15);
        (breaks.Max() - breaks.Min()).ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "breaks opened together must not end together");
        time.Advance(breaks.Min());
        int probed = 0;
        foreach (string name in names)
        {
            try
            {
                using HttpResponseMessage probe = await factory.CreateClient(name).GetAsync("/r");
                probed++;
            }
            catch (CircuitOpenException)
            {
            }
        }

        probed.ShouldBe(1, "only the circuit whose break ended first probes");
        requests.ShouldBe((20 * 3) + 1);
    }

    [Fact]
    public async Task Get_TimeoutsOfABlipArrivingAfterTheServerAnsweredAgain_DoNotOpenTheCircuit()
    {
        int held = 0;
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/blip")
            {
                Interlocked.Increment(ref held);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            context.Response.StatusCode = 200;
        });
        (ServiceProvider provider, TestTimeProvider time) = CreateServices(server.Address, o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        await using ServiceProvider owned = provider;
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        Task<HttpResponseMessage>[] lost = [.. Enumerable.Range(0, 5).Select(_ => client.GetAsync("/blip"))];
        await FakeTimeExtensions.UntilAsync(() => Volatile.Read(ref held) == 5);
        time.Advance(TimeSpan.FromSeconds(1));
        using (HttpResponseMessage answered = await client.GetAsync("/ok"))
        {
            answered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        time.Advance(TimeSpan.FromSeconds(9));
        foreach (Task<HttpResponseMessage> call in lost)
        {
            TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => call);
            ex.InnerException.ShouldBeOfType<TimeoutException>(ex.ToString());
        }

        using HttpResponseMessage next = await client.GetAsync("/ok");
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        provider.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single().State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public async Task Get_TimeoutsWithNoAnswerSinceTheirSend_OpenTheCircuit()
    {
        int held = 0;
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/blip")
            {
                Interlocked.Increment(ref held);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            context.Response.StatusCode = 200;
        });
        (ServiceProvider provider, TestTimeProvider time) = CreateServices(server.Address, o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        await using ServiceProvider owned = provider;
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        using (await client.GetAsync("/ok"))
        {
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Task<HttpResponseMessage>[] lost = [.. Enumerable.Range(0, 3).Select(_ => client.GetAsync("/blip"))];
        await FakeTimeExtensions.UntilAsync(() => Volatile.Read(ref held) == 3);
        time.Advance(TimeSpan.FromSeconds(10));
        foreach (Task<HttpResponseMessage> call in lost)
        {
            TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => call);
            ex.InnerException.ShouldBeOfType<TimeoutException>(ex.ToString());
        }

        await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/ok"));
    }

    [Fact]
    public async Task Get_ProbeTheServerHoldsForAWholeBreak_LetsCallsThroughAndTheirAnswerClosesTheCircuit()
    {
        int requests = 0;
        var probeHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case <= 3:
                    context.Response.StatusCode = 503;
                    return;
                case 4:
                    probeHeld.SetResult();
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                    return;
                default:
                    context.Response.StatusCode = 200;
                    return;
            }
        });
        (ServiceProvider provider, TestTimeProvider time) = CreateServices(server.Address, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
            o.CircuitBreaker.BreakJitterFactor = 0;
        });
        await using ServiceProvider owned = provider;
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        await FailAsync(client, 3);
        time.Advance(TimeSpan.FromSeconds(5));
        Task<HttpResponseMessage> probe = client.GetAsync("/r");
        await probeHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));

        CircuitOpenException whileFresh = await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));
        whileFresh.RetryAfter.ShouldBe(TimeSpan.FromSeconds(5), "the time until the probe is overdue");
        time.Advance(TimeSpan.FromSeconds(5));
        using HttpResponseMessage through = await client.GetAsync("/r");

        through.StatusCode.ShouldBe(HttpStatusCode.OK);
        requests.ShouldBe(5);
        provider.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single().State.ShouldBe(CircuitState.Closed);
        time.Advance(TimeSpan.FromSeconds(25)); // to the probe's 30 s attempt timeout
        (await Catch.ExceptionAsync<TaskCanceledException>(() => probe)).InnerException.ShouldBeOfType<TimeoutException>();
        provider.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single().State.ShouldBe(CircuitState.Closed, "the old probe's timeout is stale");
    }
}
