using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ResilientHttp.FleetRun;

/// <summary>
/// The run: its own redis-server, a real Kestrel server on loopback in front of <see cref="QueueServerEmulator"/>, and P
/// worker processes of this same build started at a common wall-clock start; then the simulator's measures, from the
/// workers' counts and the server's.
/// </summary>
internal static class Coordinator
{
    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<int> RunAsync(RunSettings settings)
    {
        Console.Error.WriteLine($"fleet run: {settings}; store latency measured on loopback; start in {settings.WarmupSeconds} s");
        using RedisServer redis = await RedisServer.StartAsync().ConfigureAwait(false);
        await using ConnectionMultiplexer probe = await ConnectionMultiplexer.ConnectAsync(redis.Configuration).ConfigureAwait(false);
        double idleRoundTrip = await RoundTripMsAsync(probe).ConfigureAwait(false);

        long startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (settings.WarmupSeconds * 1000L);
        long start = Stopwatch.GetTimestamp() + (settings.WarmupSeconds * Stopwatch.Frequency);
        using var server = new QueueServerEmulator(settings, start);
        WebApplication app = BuildServer(server);
        await app.StartAsync().ConfigureAwait(false);
        string url = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        string prefix = "fleetrun-" + Guid.NewGuid().ToString("N")[..8];

        var workers = new List<(Process Process, Task<string> Output)>();
        for (int i = 0; i < settings.Processes; i++)
        {
            workers.Add(StartWorker(settings, i, startUnixMs, url, redis.Configuration, prefix));
        }

        double coordinatorCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double redisCpuAtStart = CpuSampler.ProcessSeconds(redis.ProcessId);
        await using var cpu = new CpuSampler(start, settings.SeriesSeconds, [Environment.ProcessId, redis.ProcessId, .. workers.Select(w => w.Process.Id)]);
        var roundTrips = new List<double>();
        var balances = new List<(int Second, double Balance)>();
        using (var watch = new CancellationTokenSource())
        {
            Task watching = WatchAsync(settings, start, probe, prefix, roundTrips, balances, server, cpu, watch.Token);
            string[] outputs = await Task.WhenAll(workers.Select(w => w.Output)).ConfigureAwait(false);
            await watch.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach ((Process process, _) in workers)
            {
                await process.WaitForExitAsync().ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    Console.Error.WriteLine($"worker {process.Id} exited with {process.ExitCode}");
                    return 1;
                }
            }

            double coordinatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - coordinatorCpuAtStart;
            double redisCpu = CpuSampler.ProcessSeconds(redis.ProcessId) - redisCpuAtStart;
            WorkerReport[] reports = [.. outputs.Select(o => JsonSerializer.Deserialize<WorkerReport>(o) ?? throw new InvalidOperationException("A worker printed no report."))];
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            RunResult result = RunResult.From(settings, reports, server, cpu.Busy, cpu.Ours, idleRoundTrip, roundTrips, coordinatorCpu, redisCpu, balances);
            Console.WriteLine(result.Describe());
            foreach (WorkerReport report in reports)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  worker {report.Index}: calls {report.Started.Sum()} (expected {settings.RatePerClient * settings.ClientsPerProcess * settings.LoadSeconds:0}), sends {report.Sends.Sum()}, CPU {report.LoadCpuSeconds:0.0} s, start lateness mean {report.MeanStartLatenessMs:0.00} ms"));
            }

            if (settings.Output is { } output)
            {
                await File.AppendAllTextAsync(output, JsonSerializer.Serialize(result, JsonOptions) + "\n").ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static WebApplication BuildServer(QueueServerEmulator server)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.AddServerHeader = false;
            o.Limits.MaxConcurrentConnections = null;
            o.Limits.MaxConcurrentUpgradedConnections = null;
            o.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
        });
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            QueueServerEmulator.Ticket ticket = server.Receive();
            if (ticket.Immediate is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            try
            {
                context.Response.StatusCode = await ticket.Answer.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (its attempt timeout closed the connection): the queued attempt will still be served.
                ticket.Abandon();
            }
        });
        return app;
    }

    private static (Process Process, Task<string> Output) StartWorker(RunSettings settings, int index, long startUnixMs, string url, string redis, string prefix)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Coordinator).Assembly.Location);
        }

        foreach (string arg in new[] { "--worker", "--index", index.ToString(CultureInfo.InvariantCulture), "--start", startUnixMs.ToString(CultureInfo.InvariantCulture), "--url", url, "--redis", redis, "--prefix", prefix }.Concat(settings.ToArguments()))
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("A worker did not start.");
        return (process, ReadReportAsync(process));
    }

    private static async Task<string> ReadReportAsync(Process process)
    {
        string? report = null;
        while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith('{'))
            {
                report = line;
            }
            else
            {
                Console.Error.WriteLine($"worker {process.Id}: {line}");
            }
        }

        return report ?? "{}";
    }

    private static async Task<double> RoundTripMsAsync(ConnectionMultiplexer connection, int count = 200)
    {
        IDatabase database = connection.GetDatabase();
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await database.PingAsync().ConfigureAwait(false);
            times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[count / 2];
    }

    // Each second: the fleet's bucket (when shared); every 5 s a Redis round trip under load and a line of the timeline.
    private static async Task WatchAsync(RunSettings settings, long start, ConnectionMultiplexer probe, string prefix, List<double> roundTrips, List<(int Second, double Balance)> balances, QueueServerEmulator server, CpuSampler cpu, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        IDatabase database = probe.GetDatabase();
        RedisKey? bucket = null;
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            int second = (int)((Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);
            if (second < 0)
            {
                continue;
            }

            if (settings.Shared)
            {
                if (bucket is null)
                {
                    foreach (RedisKey key in probe.GetServer(probe.GetEndPoints()[0]).Keys(pattern: prefix + ":budget:*"))
                    {
                        bucket = key;
                    }
                }

                if (bucket is { } found && double.TryParse((string?)await database.StringGetAsync(found).ConfigureAwait(false), NumberStyles.Float, CultureInfo.InvariantCulture, out double balance))
                {
                    balances.Add((second, balance));
                }
            }

            if (second % 5 == 0 && second >= 5 && second < settings.SeriesSeconds)
            {
                roundTrips.Add(await RoundTripMsAsync(probe, 20).ConfigureAwait(false));
                if (settings.Timeline)
                {
                    // The five seconds just completed.
                    int from = second - 5;
                    second--;
                    var line = new StringBuilder();
                    line.Append(CultureInfo.InvariantCulture, $"t={from,3}-{second,3}s arrivals/s {Mean(server.Arrivals, from):0} served/s {Mean(server.Served, from):0} 503full/s {Mean(server.Rejected, from):0} held/s {Mean(server.Held, from):0} queue≤{server.QueueLength.Skip(from).Take(5).Max()} cpu {Mean(cpu.Busy, from):P0} (ours {Mean(cpu.Ours, from):P0})");
                    if (balances.Count > 0)
                    {
                        line.Append(CultureInfo.InvariantCulture, $" bucket {balances[^1].Balance:0.00}");
                    }

                    Console.Error.WriteLine(line.ToString());
                }
            }
        }
    }

    private static double Mean(long[] series, int from) => series.Skip(from).Take(5).Average();

    private static double Mean(double[] series, int from) => series.Skip(from).Take(5).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
}
