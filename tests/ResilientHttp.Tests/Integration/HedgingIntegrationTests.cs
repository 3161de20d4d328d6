using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>Hedging against a real Kestrel server on loopback: the loser is aborted on the wire; unsafe methods, an empty budget and an open circuit send no hedge.</summary>
public sealed class HedgingIntegrationTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);

    private static HttpClient CreateClient(Uri baseAddress, Action<ResilientHttpOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("hedged", c => c.BaseAddress = baseAddress)
            .AddResilientHandler(o =>
            {
                o.Hedging.Enabled = true;
                o.Hedging.Delay = Delay;
                configure?.Invoke(o);
            });
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("hedged");
    }

    /// <summary>A server whose first request (or every one) takes <see cref="Slow"/> unless aborted, and whose others answer at once; <c>/fail</c> answers 503.</summary>
    private sealed class TailServer
    {
        private int _requests;

        public TailServer(TimeSpan slow, bool everyRequestSlow = false)
        {
            Slow = slow;
            EveryRequestSlow = everyRequestSlow;
        }

        public TimeSpan Slow { get; }

        public bool EveryRequestSlow { get; }

        public int Requests => Volatile.Read(ref _requests);

        public ConcurrentQueue<string> Aborted { get; } = new();

        public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task Handle(HttpContext context)
        {
            if (context.Request.Path == "/fail")
            {
                context.Response.StatusCode = 503;
                return;
            }

            int request = Interlocked.Increment(ref _requests);
            FirstArrived.TrySetResult();
            if (request == 1 || EveryRequestSlow)
            {
                try
                {
                    await Task.Delay(Slow, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Aborted.Enqueue($"request {request}");
                    return;
                }
            }

            await context.Response.WriteAsync($"request {request}");
        }
    }

    [Fact]
    public async Task Get_SlowFirstAnswer_TheHedgeWinsAndTheLoserIsAbortedOnTheServer()
    {
        var tail = new TailServer(TimeSpan.FromSeconds(30));
        await using var server = await KestrelServer.StartAsync(tail.Handle);
        using HttpClient client = CreateClient(server.Address, o => o.AttemptTimeout = TimeSpan.FromMinutes(1));

        string body = await client.GetStringAsync("/slow");

        body.ShouldBe("request 2");
        await FakeTimeExtensions.UntilAsync(() => tail.Aborted.Contains("request 1"));
        tail.Requests.ShouldBe(2);
    }

    [Theory]
    [InlineData(UnsafeMethodRetry.IfIdempotencyKey)]
    [InlineData(UnsafeMethodRetry.Always)]
    public async Task Post_SlowAnswer_IsNeverHedged(UnsafeMethodRetry policy)
    {
        var tail = new TailServer(TimeSpan.FromSeconds(1));
        await using var server = await KestrelServer.StartAsync(tail.Handle);
        using HttpClient client = CreateClient(server.Address, o => o.Retry.UnsafeMethods = policy);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slow") { Content = new StringContent("{\"amount\":10}") };
        request.Headers.Add("Idempotency-Key", "charge-1");

        using HttpResponseMessage response = await client.SendAsync(request);

        (await response.Content.ReadAsStringAsync()).ShouldBe("request 1");
        tail.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Get_BudgetSpentByTheFirstHedge_TheNextSlowCallSendsNone()
    {
        var tail = new TailServer(TimeSpan.FromSeconds(1), everyRequestSlow: true);
        await using var server = await KestrelServer.StartAsync(tail.Handle);
        using HttpClient client = CreateClient(server.Address, o => (o.Retry.MaxAttempts, o.Retry.Budget.Capacity) = (1, 1));

        (await client.GetStringAsync("/slow")).ShouldBe("request 1");
        await FakeTimeExtensions.UntilAsync(() => tail.Aborted.Count == 1); // the hedge, cut when the first answered
        tail.Requests.ShouldBe(2);

        // One token paid for that hedge; the success earned a tenth back: not enough for another.
        (await client.GetStringAsync("/slow")).ShouldBe("request 3");
        tail.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task Get_CircuitOpensWhileTheAttemptIsInFlight_SendsNoHedge()
    {
        var tail = new TailServer(TimeSpan.FromSeconds(2));
        await using var server = await KestrelServer.StartAsync(tail.Handle);
        using HttpClient client = CreateClient(server.Address, o =>
        {
            o.Hedging.Delay = TimeSpan.FromSeconds(1);
            (o.CircuitBreaker.FailureThreshold, o.CircuitBreaker.BreakDuration, o.CircuitBreaker.MaxBreakDuration) = (1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        });

        Task<string> slow = client.GetStringAsync("/slow");
        await tail.FirstArrived.Task;
        using var fail = new HttpRequestMessage(HttpMethod.Get, "/fail");
        fail.Options.Set(ResilientHttpRequestOptions.DisableRetries, true);
        using (HttpResponseMessage failed = await client.SendAsync(fail))
        {
            failed.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        (await slow).ShouldBe("request 1");
        tail.Requests.ShouldBe(1);
    }
}
