using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Benchmarks;

/// <summary>
/// Hedging against a heavy tail, over real sockets: a Kestrel server on loopback answers 2 % of requests after
/// 300 ms and the rest after 2 ms, at random. Each row makes the same number of calls from the same number of
/// concurrent callers, after a warm-up, and reports the callers' latency percentiles and the extra requests the
/// server saw. Not a BenchmarkDotNet run: what is measured is a distribution, not a mean.
/// </summary>
internal static class HedgingBench
{
    private const double SlowShare = 0.02;
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(2);

    public static async Task RunAsync(TextWriter output, int calls, int callers, int seed)
    {
        var server = new TailServer(seed);
        await using WebApplication app = await server.StartAsync();
        Uri address = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        (string Name, Action<IHttpClientBuilder> Pipeline)[] rows =
        [
            ("No hedging (ResilientHttp defaults)", b => b.AddResilientHandler()),
            ("ResilientHttp, adaptive delay (`Hedging.Enabled` only)", b => b.AddResilientHandler(o => o.Hedging.Enabled = true)),
            ("ResilientHttp, adaptive, `Retry.Budget.Capacity` 10", b => b.AddResilientHandler(o => (o.Hedging.Enabled, o.Retry.Budget.Capacity) = (true, 10))),
            ("ResilientHttp, fixed 10 ms", b => b.AddResilientHandler(o => (o.Hedging.Enabled, o.Hedging.Delay) = (true, TimeSpan.FromMilliseconds(10)))),
            ("Microsoft standard hedging, defaults (2 s)", b => b.AddStandardHedgingHandler()),
            ("Microsoft standard hedging, 5 ms", b => b.AddStandardHedgingHandler().Configure(o => o.Hedging.Delay = TimeSpan.FromMilliseconds(5))),
            ("Microsoft standard hedging, 10 ms", b => b.AddStandardHedgingHandler().Configure(o => o.Hedging.Delay = TimeSpan.FromMilliseconds(10))),
            ("Microsoft standard hedging, 50 ms", b => b.AddStandardHedgingHandler().Configure(o => o.Hedging.Delay = TimeSpan.FromMilliseconds(50))),
        ];

        output.WriteLine($"| client | p50 | p99 | p99.9 | max | extra requests |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach ((string name, Action<IHttpClientBuilder> pipeline) in rows)
        {
            using ServiceProvider services = Build(address, pipeline);
            HttpClient client = services.GetRequiredService<IHttpClientFactory>().CreateClient("tail");
            await CallAsync(client, Math.Max(500, calls / 10), callers); // warm-up: connections, JIT, a known host
            await Task.Delay(500); // losers of the warm-up drain
            long before = server.Requests;
            double[] latencies = await CallAsync(client, calls, callers);
            await Task.Delay(500);
            long sent = server.Requests - before;
            Array.Sort(latencies);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {Ms(Percentile(latencies, 0.50))} | {Ms(Percentile(latencies, 0.99))} | {Ms(Percentile(latencies, 0.999))} | {Ms(latencies[^1])} | {(sent - calls) * 100.0 / calls:0.00} % |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calls:N0} calls per row from {callers} concurrent callers after a warm-up of {Math.Max(500, calls / 10):N0}; the server answered {server.SlowAnswers * 100.0 / Math.Max(1, server.Requests):0.00} % of all its requests slowly."));
    }

    private static ServiceProvider Build(Uri address, Action<IHttpClientBuilder> pipeline)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        IHttpClientBuilder builder = services.AddHttpClient("tail", c => c.BaseAddress = address);
        builder.RemoveAllLoggers();
        pipeline(builder);
        return services.BuildServiceProvider();
    }

    private static async Task<double[]> CallAsync(HttpClient client, int calls, int callers)
    {
        var latencies = new double[calls];
        int next = -1;
        async Task CallerAsync()
        {
            for (int call = Interlocked.Increment(ref next); call < calls; call = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await client.GetAsync("/item").ConfigureAwait(false);
                await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"call {call} answered {(int)response.StatusCode}");
                }

                latencies[call] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync))).ConfigureAwait(false);
        return latencies;
    }

    private static double Percentile(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * quantile) - 1)];

    private static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    private sealed class TailServer(int seed)
    {
        private readonly Random _random = new(seed);
        private long _requests;
        private long _slow;

        public long Requests => Interlocked.Read(ref _requests);

        public long SlowAnswers => Interlocked.Read(ref _slow);

        public async Task<WebApplication> StartAsync()
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            app.Run(HandleAsync);
            await app.StartAsync().ConfigureAwait(false);
            return app;
        }

        private async Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref _requests);
            bool slow;
            lock (_random)
            {
                slow = _random.NextDouble() < SlowShare;
            }

            if (slow)
            {
                Interlocked.Increment(ref _slow);
            }

            try
            {
                await Task.Delay(slow ? Slow : Fast, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // A hedge's loser, cancelled by its client.
            }

            await context.Response.WriteAsync("ok").ConfigureAwait(false);
        }
    }
}
