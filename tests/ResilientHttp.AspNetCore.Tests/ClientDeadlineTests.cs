using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.AspNetCore.Tests;

/// <summary>Both halves together: a ResilientHttp client with <c>Deadline.SendHeader</c> against <c>UseRequestDeadline</c>.</summary>
public sealed class ClientDeadlineTests
{
    private static HttpClient CreateClient(DeadlineServer server, out ServiceProvider provider)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("upstream", c => c.BaseAddress = server.Address).AddResilientHandler(o =>
        {
            o.Deadline.SendHeader = true;
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.Retry.MaxAttempts = 1;
        });
        provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient("upstream");
    }

    [Fact]
    public async Task Get_ClientsAttemptTimeout_ReachesTheServerAsItsDeadline()
    {
        string? resends = null;
        await using DeadlineServer server = await DeadlineServer.StartAsync(context =>
        {
            resends = context.Request.Headers["Resend-Count"];
            return context.Response.WriteAsync("served");
        });
        HttpClient client = CreateClient(server, out ServiceProvider provider);
        await using ServiceProvider owned = provider;

        using HttpResponseMessage response = await client.GetAsync("/work");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        long told = long.Parse(server.Seen["/work"]!, System.Globalization.CultureInfo.InvariantCulture);
        told.ShouldBe(30_000);
        resends.ShouldBe("0");
    }

    [Fact]
    public async Task Get_ClientsAttemptWaitingPastItsTimeoutInTheServersQueue_IsShedNotServed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DeadlineServer server = await DeadlineServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/hold")
            {
                await release.Task;
            }

            await context.Response.WriteAsync("served");
        });
        HttpClient client = CreateClient(server, out ServiceProvider provider);
        await using ServiceProvider owned = provider;
        Task<HttpResponseMessage> holder = client.GetAsync("/hold");
        await DeadlineServer.UntilAsync(() => server.EndpointRuns == 1);
        Task<HttpResponseMessage> queued = client.GetAsync("/queued");
        await DeadlineServer.UntilAsync(() => server.Limiter.GetStatistics()!.CurrentQueuedCount == 1);

        // The server's clock reaches the client's 30 s before the client's own (real) clock does.
        server.Time.Advance(TimeSpan.FromSeconds(30));
        using HttpResponseMessage shed = await queued;
        release.SetResult();
        using HttpResponseMessage held = await holder;

        shed.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        server.EndpointRuns.ShouldBe(1, "the work nobody waited for was never done");
    }
}
