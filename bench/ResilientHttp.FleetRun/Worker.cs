using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientHttp.Redis;
using StackExchange.Redis;

namespace ResilientHttp.FleetRun;

/// <summary>
/// One worker process: K clients, each its own service provider (its own budget, breaker, pacing and, when shared, its
/// own fleet store and loop: one process of the simulator's fleet), all of this process's on one Redis connection.
/// From the common start, one Poisson stream at K times the per-client rate picks a client uniformly for each call, as
/// the simulator's one stream at λC picks one of N; calls stop after the load's seconds, the calls still running may
/// finish for the drain's seconds, and the counts go to stdout as one JSON line.
/// </summary>
internal static class Worker
{
    private const string ClientName = "api";

    public static async Task<int> RunAsync(RunSettings settings, IReadOnlyList<string> args)
    {
        int index = int.Parse(Value(args, "--index"), CultureInfo.InvariantCulture);
        long startUnixMs = long.Parse(Value(args, "--start"), CultureInfo.InvariantCulture);
        var url = new Uri(Value(args, "--url"));
        string? redis = settings.Shared ? Value(args, "--redis") : null;
        string prefix = settings.Shared ? Value(args, "--prefix") : "unused";
        ThreadPool.SetMinThreads(Math.Max(8, Environment.ProcessorCount * 4), Math.Max(8, Environment.ProcessorCount * 4));

        var counters = new Counters(settings.SeriesSeconds);
        ConnectionMultiplexer? connection = null;
        if (redis is not null)
        {
            ConfigurationOptions configuration = ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = false;
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            configuration.SyncTimeout = configuration.AsyncTimeout = (int)Math.Ceiling(settings.StoreTimeout.TotalMilliseconds);
            connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }

        var providers = new ServiceProvider[settings.ClientsPerProcess];
        var clients = new HttpClient[settings.ClientsPerProcess];
        for (int k = 0; k < providers.Length; k++)
        {
            providers[k] = Build(settings, url, counters, connection, prefix);
            clients[k] = providers[k].GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
        }

        // JIT and the first connections, before the start, on a provider of their own: no client's budget is touched.
        await using (ServiceProvider warm = Build(settings, url, new Counters(1), connection: null, prefix))
        {
            HttpClient client = warm.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
            for (int i = 0; i < 20; i++)
            {
                using HttpResponseMessage response = await client.GetAsync(new Uri("/", UriKind.Relative)).ConfigureAwait(false);
            }
        }

        long start = Stopwatch.GetTimestamp() + ((startUnixMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) * Stopwatch.Frequency / 1000);
        counters.Start = start;
        long loadEnd = start + (settings.LoadSeconds * Stopwatch.Frequency);
        long now = Stopwatch.GetTimestamp();
        if (start > now)
        {
            await Task.Delay(TimeSpan.FromSeconds((start - now) / (double)Stopwatch.Frequency)).ConfigureAwait(false);
        }

        TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var random = new Random(unchecked((int)(settings.Seed * 31)) + (index * 7919));
        double meanGap = Stopwatch.Frequency / (settings.RatePerClient * settings.ClientsPerProcess);
        using var drained = new CancellationTokenSource();
        var running = new List<Task>();
        long next = start;
        double lateSum = 0;
        long late = 0;
        long lateMax = 0;
        while (true)
        {
            next += Math.Max(1, (long)(-Math.Log(1 - random.NextDouble()) * meanGap));
            if (next >= loadEnd)
            {
                break;
            }

            now = Stopwatch.GetTimestamp();
            if (next - now > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((next - now) / (double)Stopwatch.Frequency)).ConfigureAwait(false);
                now = Stopwatch.GetTimestamp();
            }

            long behind = Math.Max(0, now - next);
            lateSum += behind;
            late++;
            lateMax = Math.Max(lateMax, behind);
            running.Add(CallAsync(clients[random.Next(clients.Length)], counters, drained.Token));
            if (running.Count > 4096)
            {
                running.RemoveAll(t => t.IsCompleted);
            }
        }

        TimeSpan loadCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        var report = new WorkerReport
        {
            Index = index,
            MeanStartLatenessMs = late == 0 ? 0 : lateSum / late * 1000 / Stopwatch.Frequency,
            MaxStartLatenessMs = lateMax * 1000.0 / Stopwatch.Frequency,
            LoadCpuSeconds = loadCpu.TotalSeconds,
        };
        if (connection is not null)
        {
            Shares(providers, report);
        }

        running.RemoveAll(t => t.IsCompleted);
        Task all = Task.WhenAll(running);
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(settings.DrainSeconds)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            report.Unfinished = running.Count(t => !t.IsCompleted);
            await drained.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        report.Started = counters.Started;
        report.SucceededByStart = counters.SucceededByStart;
        report.SucceededByEnd = counters.SucceededByEnd;
        report.FailedByEnd = counters.FailedByEnd;
        report.Sends = counters.Sends;
        report.Goodput = counters.Goodput;
        report.CpuSeconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Console.Out.WriteLine(JsonSerializer.Serialize(report));
        await Console.Out.FlushAsync().ConfigureAwait(false);
        foreach (ServiceProvider provider in providers)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static ServiceProvider Build(RunSettings settings, Uri url, Counters counters, IConnectionMultiplexer? connection, string prefix)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ClientName, c => c.BaseAddress = url)
            .AddResilientHandler()
            .ConfigurePrimaryHttpMessageHandler(() => new CountingHandler(counters, new SocketsHttpHandler
            {
                // Each client's own pool, as a process's; nothing pooled is dropped in the middle of the run.
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            }))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        if (connection is not null)
        {
            services.AddResilientHttpRedis(connection, o =>
            {
                o.FlushInterval = settings.FlushInterval;
                o.LeaseSize = settings.LeaseSize;
                o.LeaseDuration = settings.LeaseDuration;
                o.StoreTimeout = settings.StoreTimeout;
                o.KeyPrefix = prefix;
            });
        }

        ServiceProvider provider = services.BuildServiceProvider();
        if (connection is not null)
        {
            // ValidateOnStart needs a host; this is the same check.
            _ = provider.GetRequiredService<IOptions<FleetOptions>>().Value;
        }

        return provider;
    }

    private static async Task CallAsync(HttpClient client, Counters counters, CancellationToken drained)
    {
        await Task.Yield();
        int started = counters.Second(Stopwatch.GetTimestamp());
        Interlocked.Increment(ref counters.Started[started]);
        bool succeeded = false;
        try
        {
            using HttpResponseMessage response = await client.GetAsync(new Uri("/", UriKind.Relative), HttpCompletionOption.ResponseContentRead, drained).ConfigureAwait(false);
            succeeded = response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or CircuitOpenException or IOException)
        {
            // A failed call: counted below.
        }

        int ended = counters.Second(Stopwatch.GetTimestamp());
        if (succeeded)
        {
            Interlocked.Increment(ref counters.SucceededByStart[started]);
            Interlocked.Increment(ref counters.SucceededByEnd[ended]);
        }
        else
        {
            Interlocked.Increment(ref counters.FailedByEnd[ended]);
        }
    }

    // What the fleet's shares say at the end of the load: that the clients did share through Redis.
    private static void Shares(ServiceProvider[] providers, WorkerReport report)
    {
        foreach (ServiceProvider provider in providers)
        {
            if (provider.GetService<FleetStore>() is RedisFleetStore { IsAvailable: true })
            {
                report.StoresAvailable++;
            }

            foreach (ClientState client in provider.GetRequiredService<ResilienceRegistry>().Clients)
            {
                foreach (HostState host in client.Hosts.Hosts)
                {
                    if (host.Fleet is { } share)
                    {
                        report.StoreAnswers += share.Answers;
                        report.SharesAnswered += share.IsShared ? 1 : 0;
                    }
                }
            }
        }
    }

    private static string Value(IReadOnlyList<string> args, string name)
    {
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        throw new ArgumentException($"The worker needs {name}.");
    }

    /// <summary>The process's per-second counts, shared by its clients.</summary>
    internal sealed class Counters(int seconds)
    {
        public long Start { get; set; } = Stopwatch.GetTimestamp();

        public long[] Started { get; } = new long[seconds];

        public long[] SucceededByStart { get; } = new long[seconds];

        public long[] SucceededByEnd { get; } = new long[seconds];

        public long[] FailedByEnd { get; } = new long[seconds];

        public long[] Sends { get; } = new long[seconds];

        public long[] Goodput { get; } = new long[seconds];

        public int Second(long timestamp) =>
            (int)Math.Clamp(timestamp < Start ? 0 : (timestamp - Start) / Stopwatch.Frequency, 0, Started.Length - 1);
    }

    /// <summary>The primary handler, counted: each send is an attempt that reached the network; each 200 the client waited for is goodput.</summary>
    private sealed class CountingHandler(Counters counters, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counters.Sends[counters.Second(Stopwatch.GetTimestamp())]);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref counters.Goodput[counters.Second(Stopwatch.GetTimestamp())]);
            }

            return response;
        }
    }
}
