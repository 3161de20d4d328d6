using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Demo;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that answers each path with a script: the nth request to a path gets
/// the nth answer. Every request it receives goes on the timeline.
/// </summary>
internal sealed class FaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, Func<int, HttpContext, Task>> _scripts = new();

    private FaultServer(WebApplication app, Timeline timeline)
    {
        _app = app;
        Timeline = timeline;
    }

    public Timeline Timeline { get; }

    public Uri Address { get; private set; } = null!;

    public bool Quiet { get; set; }

    public static async Task<FaultServer> StartAsync(Timeline timeline, int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new FaultServer(app, timeline);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    /// <summary>Answers <paramref name="path"/> with the statuses given, the last one repeating.</summary>
    public void Script(string path, params int[] statuses) =>
        Script(path, (n, context) =>
        {
            context.Response.StatusCode = statuses[Math.Min(n, statuses.Length) - 1];
            return Task.CompletedTask;
        });

    public void Script(string path, Func<int, HttpContext, Task> answer) => _scripts[path] = answer;

    public int Requests(string path) => _counts.GetValueOrDefault(path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path;
        int n = _counts.AddOrUpdate(path, 1, (_, c) => c + 1);
        if (_scripts.TryGetValue(path, out Func<int, HttpContext, Task>? answer))
        {
            await answer(n, context);
        }

        if (!Quiet)
        {
            string key = context.Request.Headers.TryGetValue("Idempotency-Key", out var value) ? $" [Idempotency-Key: {value}]" : string.Empty;
            string retryAfter = context.Response.Headers.RetryAfter.Count > 0 ? $" (Retry-After: {context.Response.Headers.RetryAfter})" : string.Empty;
            string quota = context.Response.Headers.TryGetValue("RateLimit", out var rateLimit) ? $" (RateLimit: {rateLimit})" : string.Empty;
            Tone tone = context.Response.StatusCode < 400 ? Tone.Good : Tone.Dim;
            Timeline.Add("server", $"{context.Request.Method} {path}{key} -> {context.Response.StatusCode}{retryAfter}{quota}", tone);
        }
    }
}
