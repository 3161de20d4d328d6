using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using ResilientHttp.Tests;

namespace ResilientHttp.SampleApi.Tests;

/// <summary>A real Kestrel upstream on loopback that answers each request with the next status of a script.</summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests = new();
    private KestrelServer _server = null!;

    private Upstream()
    {
    }

    public Uri Address => _server.Address;

    public Func<int, int> StatusOf { get; set; } = _ => 200;

    public int Requests => _requests.Count;

    public static async Task<Upstream> StartAsync()
    {
        var upstream = new Upstream();
        upstream._server = await KestrelServer.StartAsync(async context =>
        {
            upstream._requests.Enqueue(context.Request.Path);
            context.Response.StatusCode = upstream.StatusOf(upstream._requests.Count);
            await context.Response.WriteAsync("{\"forecast\":\"sunny\"}");
        });
        return upstream;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
