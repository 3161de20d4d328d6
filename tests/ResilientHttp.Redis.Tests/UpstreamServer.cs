using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Redis.Tests;

/// <summary>A real Kestrel server on 127.0.0.1, port 0, whose answer the test sets, counting the requests of each process.</summary>
internal sealed class UpstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    private UpstreamServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Gets or sets the answer to every request: its status and, when set, its <c>Retry-After</c>.</summary>
    public Func<HttpContext, (int Status, string? RetryAfter)> Answer { get; set; } = _ => (200, null);

    /// <summary>Gets the requests a process sent (by its <c>X-Process</c> header).</summary>
    public int RequestsFrom(string process) => _requests.GetValueOrDefault(process);

    public int Requests => _requests.Values.Sum();

    public static async Task<UpstreamServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        UpstreamServer? server = null;
        app.Run(context =>
        {
            server!._requests.AddOrUpdate(context.Request.Headers["X-Process"].ToString(), 1, (_, n) => n + 1);
            (int status, string? retryAfter) = server.Answer(context);
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return Task.CompletedTask;
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new UpstreamServer(app, new Uri(address + "/"));
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
