using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.SampleApi.Tests;

/// <summary>A real Kestrel upstream on loopback that answers each request with the next status of a script.</summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private Upstream(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public Func<int, int> StatusOf { get; set; } = _ => 200;

    public int Requests => _requests.Count;

    public static async Task<Upstream> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var upstream = new Upstream(app);
        app.Run(async context =>
        {
            upstream._requests.Enqueue(context.Request.Path);
            context.Response.StatusCode = upstream.StatusOf(upstream._requests.Count);
            await context.Response.WriteAsync("{\"forecast\":\"sunny\"}");
        });
        await app.StartAsync();
        upstream.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
