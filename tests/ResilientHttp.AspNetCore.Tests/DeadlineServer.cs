using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.AspNetCore.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) with <c>UseRequestDeadline</c> in front of ASP.NET
/// Core's rate limiter holding one concurrency permit and a queue: the shape of a server in a brown-out. Its
/// clock is fake, so a deadline passes when the test says so.
/// </summary>
internal sealed class DeadlineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _endpointRuns;

    private DeadlineServer(WebApplication app, Uri address, FakeTimeProvider time, ConcurrencyLimiter limiter)
    {
        _app = app;
        Address = address;
        Time = time;
        Limiter = limiter;
    }

    public Uri Address { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Gets the one concurrency permit and its queue.</summary>
    public ConcurrencyLimiter Limiter { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Gets how many times an endpoint ran.</summary>
    public int EndpointRuns => Volatile.Read(ref _endpointRuns);

    /// <summary>Gets the last value of each request header seen by an endpoint, by the request's path.</summary>
    public Dictionary<string, string?> Seen { get; } = [];

    /// <summary>
    /// Starts the server. <paramref name="endpoint"/> answers every request that gets through; <paramref name="before"/>,
    /// when given, runs between the deadline middleware and the rate limiter (a wait that ignores the request's token).
    /// </summary>
    public static async Task<DeadlineServer> StartAsync(Func<HttpContext, Task> endpoint, Func<HttpContext, Task>? before = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 100, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddMetrics();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.Get("all", _ => limiter));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        });
        WebApplication app = builder.Build();
        DeadlineServer? server = null;
        app.UseRequestDeadline();
        if (before is not null)
        {
            app.Use(async (context, next) =>
            {
                await before(context);
                await next(context);
            });
        }

        app.UseRateLimiter();
        app.Map("/{**path}", async context =>
        {
            Interlocked.Increment(ref server!._endpointRuns);
            lock (server.Seen)
            {
                server.Seen[context.Request.Path] = context.Request.Headers["Request-Timeout-Ms"].ToString();
            }

            await endpoint(context);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new DeadlineServer(app, new Uri(address), time, limiter);
        return server;
    }

    /// <summary>Waits, without moving the clock, until asynchronous work has reached a point.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1);
        }

        condition().ShouldBeTrue("the expected point was not reached");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
