using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ResilientHttp.AspNetCore.Tests;

/// <summary>
/// <c>UseRequestDeadline</c> against a real Kestrel server behind ASP.NET Core's concurrency limiter: a request
/// whose sender's time runs out while it waits is shed with a 503 before its endpoint runs, and counted; every
/// other request is served as it would be without the middleware.
/// </summary>
public sealed class RequestDeadlineTests
{
    private static readonly HttpClient Http = new();

    private static HttpRequestMessage Get(Uri server, string path, params string[] timeouts)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
        foreach (string timeout in timeouts)
        {
            request.Headers.TryAddWithoutValidation("Request-Timeout-Ms", timeout);
        }

        return request;
    }

    private static MetricCollector<long> Shed(DeadlineServer server) =>
        new(server.Services.GetRequiredService<IMeterFactory>(), "ResilientHttp.AspNetCore", "resilienthttp.server.requests_shed");

    // An endpoint that holds the one permit until the test lets it go.
    private static (Func<HttpContext, Task> Endpoint, TaskCompletionSource Release) Holding()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (async context =>
        {
            if (context.Request.Path == "/hold")
            {
                await release.Task;
            }

            await context.Response.WriteAsync("served");
        }, release);
    }

    // Sends a request to /hold and returns once its endpoint runs, holding the one permit: the answer is still to come.
    private static async Task<Task<HttpResponseMessage>> HoldThePermitAsync(DeadlineServer server)
    {
        Task<HttpResponseMessage> holder = Http.SendAsync(Get(server.Address, "/hold"));
        await DeadlineServer.UntilAsync(() => server.EndpointRuns == 1);
        return holder;
    }

    [Fact]
    public async Task Get_DeadlinePassingInTheLimitersQueue_IsShedWith503BeforeItsEndpointRuns()
    {
        (Func<HttpContext, Task> endpoint, TaskCompletionSource release) = Holding();
        await using DeadlineServer server = await DeadlineServer.StartAsync(endpoint);
        using MetricCollector<long> shed = Shed(server);
        Task<HttpResponseMessage> holder = await HoldThePermitAsync(server);
        Task<HttpResponseMessage> queued = Http.SendAsync(Get(server.Address, "/late", "2000"));
        await DeadlineServer.UntilAsync(() => server.Limiter.GetStatistics()!.CurrentQueuedCount == 1);

        server.Time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(50);
        queued.IsCompleted.ShouldBeFalse("the sender still had a millisecond");
        server.Time.Advance(TimeSpan.FromMilliseconds(1));
        using HttpResponseMessage late = await queued;
        release.SetResult();
        using HttpResponseMessage held = await holder;

        late.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        held.StatusCode.ShouldBe(HttpStatusCode.OK);
        server.EndpointRuns.ShouldBe(1, "the shed request's endpoint never ran");
        server.Limiter.GetStatistics()!.CurrentQueuedCount.ShouldBe(0, "the shed request left the queue at its deadline");
        CollectedMeasurement<long> counted = shed.GetMeasurementSnapshot().Single();
        counted.Tags["resilienthttp.shed.reason"].ShouldBe("expired_waiting");
    }

    [Fact]
    public async Task Get_QueuedWithTimeLeft_IsServedWhenThePermitFrees()
    {
        (Func<HttpContext, Task> endpoint, TaskCompletionSource release) = Holding();
        await using DeadlineServer server = await DeadlineServer.StartAsync(endpoint);
        using MetricCollector<long> shed = Shed(server);
        Task<HttpResponseMessage> holder = await HoldThePermitAsync(server);
        Task<HttpResponseMessage> queued = Http.SendAsync(Get(server.Address, "/in-time", "2000"));
        Task<HttpResponseMessage> unlimited = Http.SendAsync(Get(server.Address, "/no-header"));
        await DeadlineServer.UntilAsync(() => server.Limiter.GetStatistics()!.CurrentQueuedCount == 2);

        server.Time.Advance(TimeSpan.FromMilliseconds(1500));
        release.SetResult();
        HttpResponseMessage[] answers = await Task.WhenAll(holder, queued, unlimited);

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.OK);
        (await answers[1].Content.ReadAsStringAsync()).ShouldBe("served");
        server.EndpointRuns.ShouldBe(3);
        shed.GetMeasurementSnapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_NoTimeLeftOnArrival_IsShedAtOnceAndCounted()
    {
        await using DeadlineServer server = await DeadlineServer.StartAsync(c => c.Response.WriteAsync("served"));
        using MetricCollector<long> shed = Shed(server);

        using HttpResponseMessage response = await Http.SendAsync(Get(server.Address, "/late", "0"));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        server.EndpointRuns.ShouldBe(0);
        shed.GetMeasurementSnapshot().Single().Tags["resilienthttp.shed.reason"].ShouldBe("expired_on_arrival");
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("86400001")]
    [InlineData("99999999999999999999999")]
    [InlineData("")]
    [InlineData("0", "0")]
    public async Task Get_MalformedOrAbsurdHeader_PassesUntouched(params string[] values)
    {
        await using DeadlineServer server = await DeadlineServer.StartAsync(c => c.Response.WriteAsync("served"));
        using MetricCollector<long> shed = Shed(server);

        using HttpResponseMessage response = await Http.SendAsync(Get(server.Address, "/any", values));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        server.EndpointRuns.ShouldBe(1);
        shed.GetMeasurementSnapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_DeadlinePassingInAWaitThatIgnoresTheToken_IsShedAtTheEndpointsStart()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int waiting = 0;
        await using DeadlineServer server = await DeadlineServer.StartAsync(
            c => c.Response.WriteAsync("served"),
            before: async _ =>
            {
                Interlocked.Increment(ref waiting);
                await gate.Task;
            });
        using MetricCollector<long> shed = Shed(server);
        Task<HttpResponseMessage> call = Http.SendAsync(Get(server.Address, "/slow-middleware", "500"));
        await DeadlineServer.UntilAsync(() => Volatile.Read(ref waiting) == 1);

        server.Time.Advance(TimeSpan.FromMilliseconds(600));
        gate.SetResult();
        using HttpResponseMessage response = await call;

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        server.EndpointRuns.ShouldBe(0);
        shed.GetMeasurementSnapshot().Single().Tags["resilienthttp.shed.reason"].ShouldBe("expired_waiting");
    }

    [Fact]
    public async Task Get_EndpointRunningPastTheDeadline_SeesRequestAbortedAndIsNotOverwritten()
    {
        var observed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DeadlineServer server = await DeadlineServer.StartAsync(async context =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                observed.SetResult(true);
            }

            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        });
        using MetricCollector<long> shed = Shed(server);
        Task<HttpResponseMessage> call = Http.SendAsync(Get(server.Address, "/work", "1000"));
        await DeadlineServer.UntilAsync(() => server.EndpointRuns == 1);

        server.Time.Advance(TimeSpan.FromSeconds(1));
        (await observed.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        using HttpResponseMessage response = await call;

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout, "the endpoint ran: its own answer stands");
        shed.GetMeasurementSnapshot().ShouldBeEmpty();
    }
}
