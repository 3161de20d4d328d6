using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>The caller cancels a half-open circuit's probe while a real server holds it: the circuit is not left stuck.</summary>
public sealed class CancellationIntegrationTests
{
    [Fact]
    public async Task Get_ProbeCancelledWhileTheServerHoldsIt_TheServerSeesTheAbortAndTheNextCallProbesAndCloses()
    {
        int requests = 0;
        var probeAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probeArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case <= 3:
                    context.Response.StatusCode = 503;
                    return;
                case 4:
                    probeArrived.SetResult();
                    try
                    {
                        await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        probeAborted.SetResult();
                    }

                    return;
                default:
                    context.Response.StatusCode = 200;
                    return;
            }
        });

        // The clock of the break is fake (no waiting for it); the sockets are real.
        var time = new TestTimeProvider(TestClient.Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("it", c => c.BaseAddress = server.Address)
            .AddResilientHandler(o =>
            {
                o.Retry.MaxAttempts = 1;
                o.AttemptTimeout = null;
                o.CircuitBreaker.FailureThreshold = 3;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);

                // Exact breaks: the clock is advanced by exactly one, and a jittered break may be longer.
                o.CircuitBreaker.BreakJitterFactor = 0;
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("it");
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage failed = await client.GetAsync("/r");
        }

        await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));
        time.Advance(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();
        Task<HttpResponseMessage> probe = client.GetAsync("/r", cts.Token);
        await probeArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Should.ThrowAsync<CircuitOpenException>(() => client.GetAsync("/r"));

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => probe);
        await probeAborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using HttpResponseMessage next = await client.GetAsync("/r");
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        requests.ShouldBe(5);
        provider.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single().State.ShouldBe(CircuitState.Closed);
    }
}
