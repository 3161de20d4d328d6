using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ResilientHttp.Tests.Integration;

/// <summary>
/// Many concurrent callers, three client names, four hosts (three chaos servers and a refused port), the
/// breaker and the budget on, for about a minute (<c>RESILIENTHTTP_SOAK_SECONDS</c> for a longer run); then
/// the checks a payments service would ask for. The figures go to the test output and, when
/// <c>RESILIENTHTTP_SOAK_REPORT</c> names a file, to that file (docs/reliability.md holds a run's).
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    private const int Callers = 48;
    private const int MaxAttempts = 4;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(4);

    // Bounds with room for a shared, noisy machine: a defect shows as a hang (no end at all), a retry after
    // cancellation (a backoff later) or a call running on for another full attempt, far past these.
    private static readonly TimeSpan HangLimit = TotalTimeout + TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DeadlineSlack = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(2);
    private const long LiveMemoryBound = 4L * 1024 * 1024;
    private static readonly TimeSpan SendAfterCancelTolerance = TimeSpan.FromMilliseconds(50);

    /// <summary>The end of the run without outages, where every circuit must close again.</summary>
    private static readonly TimeSpan RecoveryPhase = TimeSpan.FromSeconds(10);

    private static readonly string[] ClientNames = ["catalog", "payments", "ledger"];

    [Fact]
    public async Task Soak_ManyCallersAgainstChaos_EveryCallEndsCleanlyNothingIsDuplicatedAndResourcesComeBack()
    {
        TimeSpan duration = TimeSpan.FromSeconds(
            int.TryParse(Environment.GetEnvironmentVariable("RESILIENTHTTP_SOAK_SECONDS"), out int seconds) ? seconds : 60);
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await RunAsync(duration, unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private async Task RunAsync(TimeSpan duration, ConcurrentQueue<Exception> unobserved)
    {
        // The run is its own async method: once it returns, nothing of it (calls, receipts, clients) is
        // reachable, and what is left above the start is what would stay behind in a service.
        SoakResult result = await SoakAsync(duration);
        long memoryAfter = LiveHeapBytes();
        string report = result.Report +
            $"| live managed heap: after warm-up; after the run, clients alive (at once, after the factory's cleanup); after disposal | {Megabytes(result.MemoryBefore)}; {Megabytes(result.MemoryAtEnd)}, {Megabytes(result.MemoryLive)}; {Megabytes(memoryAfter)} |\n" +
            $"| unobserved task exceptions | {unobserved.Count} |\n";
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("RESILIENTHTTP_SOAK_REPORT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report);
        }

        result.Failures.ShouldBeEmpty();
        (result.MemoryLive - result.MemoryBefore).ShouldBeLessThan(LiveMemoryBound, "a live client keeps nothing per call");
        (memoryAfter - result.MemoryBefore).ShouldBeLessThan(2L * 1024 * 1024, "nothing of the clients outlives their disposal");
        unobserved.ShouldBeEmpty("no task may end with an exception nobody observed");
    }

    private static async Task<SoakResult> SoakAsync(TimeSpan duration)
    {
        ChaosServer[] servers = [await ChaosServer.StartAsync(1), await ChaosServer.StartAsync(2), await ChaosServer.StartAsync(3)];
        Uri[] hosts = [.. servers.Select(s => s.Address), KestrelServer.RefusedAddress()];
        int socketsBefore = OpenSockets.Count();
        var sends = new SendLog();
        ServiceProvider services = CreateServices(sends);
        await WarmUpAsync(services.GetRequiredService<IHttpClientFactory>(), hosts);
        long memoryBefore = LiveHeapBytes();
        SoakFigures figures = await DriveAsync(services, servers, hosts, sends, duration);

        // Idle pooled connections close after PooledConnectionIdleTimeout; a response the handler failed to
        // dispose would keep its connection out of the pool, open.
        figures.SocketsBefore = socketsBefore;
        figures.SocketsAtEnd = OpenSockets.Count();
        figures.IdleWait = await WaitUntilAsync(() => OpenSockets.Count() <= socketsBefore, TimeSpan.FromSeconds(20));
        figures.SocketsAfterIdle = OpenSockets.Count();
        List<string> failures = Check(figures, duration);
        string report = figures.ToMarkdown();

        // Forget the run's records and stop the servers (Kestrel pools its buffers), keep the clients: what
        // is left above the warm-up is what the clients kept from the run.
        figures = null!;
        sends.Clear();
        foreach (ChaosServer server in servers)
        {
            await server.DisposeAsync();
        }

        servers = [];

        // Handlers the factory rotated out (every 2 minutes) stay referenced until its cleanup, every 10 s,
        // finds them unused: give it that long before taking the figure.
        long memoryAtEnd = LiveHeapBytes();
        long memoryLive = memoryAtEnd;
        for (var wait = Stopwatch.StartNew(); memoryLive - memoryBefore >= LiveMemoryBound && wait.Elapsed < TimeSpan.FromSeconds(25);)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            memoryLive = LiveHeapBytes();
        }

        await services.DisposeAsync();
        return new SoakResult(report, failures, memoryBefore, memoryAtEnd, memoryLive);
    }

    /// <summary>The bytes of live objects on the managed heap after a full compacting collection (free space left out).</summary>
    private static long LiveHeapBytes()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024:0.0} MB";

    private static async Task<SoakFigures> DriveAsync(
        ServiceProvider services, ChaosServer[] servers, Uri[] hosts, SendLog sends, TimeSpan duration)
    {
        IHttpClientFactory factory = services.GetRequiredService<IHttpClientFactory>();
        var calls = new ConcurrentQueue<SoakCall>();
        long nextId = 0;
        int inFlight = 0;
        int maxInFlight = 0;
        int socketsPeak = 0;
        long until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task CallerAsync(int caller)
        {
            var random = new Random(1000 + caller);
            while (Stopwatch.GetTimestamp() < until)
            {
                SoakCall call = NextCall(Interlocked.Increment(ref nextId), random, hosts);
                calls.Enqueue(call);
                AtomicMax.Raise(ref maxInFlight, Interlocked.Increment(ref inFlight));
                await CallAsync(factory.CreateClient(call.Client), call, random);
                Interlocked.Decrement(ref inFlight);

                // A caller does some work between calls; without it, calls refused at once by an open
                // circuit would come round in microseconds and swamp the figures.
                await Task.Delay(random.Next(1, 20));
            }
        }

        using var stop = new CancellationTokenSource();
        Task outages = OutagesAsync(servers, duration - RecoveryPhase, stop.Token);
        Task sampler = SampleAsync(() => AtomicMax.Raise(ref socketsPeak, OpenSockets.Count()), stop.Token);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(() => CallerAsync(i))));
        await stop.CancelAsync();
        await Task.WhenAll(outages, sampler);
        return new SoakFigures(duration, [.. calls], servers, sends) { Callers = Callers, MaxInFlight = maxInFlight, SocketsPeak = socketsPeak };
    }

    /// <summary>Compiles the paths once, one call per client and host, so that the first seconds measure the library, not the JIT.</summary>
    private static async Task WarmUpAsync(IHttpClientFactory factory, Uri[] hosts)
    {
        foreach (string name in ClientNames)
        {
            foreach (Uri host in hosts.Take(3))
            {
                try
                {
                    using HttpResponseMessage response = await factory.CreateClient(name).GetAsync(new Uri(host, "/warm-up"));
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
            }
        }
    }

    private static List<string> Check(SoakFigures figures, TimeSpan duration)
    {
        var failures = new List<string>();
        void Expect(IEnumerable<string> problems, string rule) =>
            failures.AddRange(problems.Take(10).Select(p => $"{rule}: {p}"));

        Expect(figures.Calls.Where(c => c.Hung).Select(c => $"{c.Id} {c.Kind} {c.Target}"), "every call ends");
        Expect(figures.Calls.Where(c => !SoakFigures.IsClearEnding(c)).Select(c => $"{c.Id} {c.Kind}: {c.Error}"),
            "a call ends with a response, an HttpRequestException, a timeout (TaskCanceledException over a TimeoutException) or, when its caller cancelled, an OperationCanceledException");
        Expect(figures.Calls.Where(c => c.CanceledAt == 0 && c.Elapsed > TotalTimeout + DeadlineSlack).Select(c => $"{c.Id} {c.Kind} took {c.Elapsed}"),
            "no call runs past its deadline");
        Expect(figures.Calls.Where(c => c.CancelLatency > CancelBound).Select(c => $"{c.Id} {c.Kind} ended {c.CancelLatency} after the cancellation; {figures.Describe(c)}"),
            "a cancelled call ends at once");
        Expect(figures.SendsAfterCancel(SendAfterCancelTolerance).Select(c => $"{c.Id} {c.Kind}"), "no attempt starts after the caller cancelled");
        Expect(figures.Calls.Where(c => figures.SendsOf(c) > MaxAttempts).Select(c => $"{c.Id} sent {figures.SendsOf(c)} times"), "no call is sent more than MaxAttempts times");
        Expect(figures.DuplicatedUnsafeCalls, "a POST without an idempotency key reaches the server at most once");
        Expect(figures.KeyedPostsWithSeveralKeys, "every attempt of a keyed POST carries the call's one key");
        Expect(figures.CircuitsWithoutSuccessSince(duration - TimeSpan.FromSeconds(5)), "after the last outage every circuit closes again and calls succeed");
        if (OpenSockets.Supported)
        {
            // Two descriptors per loopback connection (client and server end). The pools hold what the
            // callers used at once; a leak grows with the calls made, which are a hundred times more.
            Expect(figures.SocketsPeak > figures.SocketsBefore + (2 * 3 * Callers) ? [$"{figures.SocketsPeak} at the peak"] : [], "open sockets stay bounded");
            Expect(figures.SocketsAfterIdle > figures.SocketsBefore + 2 ? [$"{figures.SocketsAfterIdle} after the idle timeout, {figures.SocketsBefore} before"] : [],
                "open sockets come back to their starting level");
        }

        return failures;
    }

    private static ServiceProvider CreateServices(SendLog sends)
    {
        var services = new ServiceCollection();
        foreach (string name in ClientNames)
        {
            services.AddHttpClient(name)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
                .AddResilientHandler(o =>
                {
                    o.AttemptTimeout = AttemptTimeout;
                    o.TotalTimeout = TotalTimeout;
                    o.Retry.MaxAttempts = MaxAttempts;
                    o.Retry.BaseDelay = TimeSpan.FromMilliseconds(50);
                    o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                    o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(2);
                    o.Retry.UnsafeMethods = name == "ledger" ? UnsafeMethodRetry.Never : UnsafeMethodRetry.IfIdempotencyKey;
                    o.CircuitBreaker.FailureThreshold = 5;
                    o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);

                    // Breaks that grow to the default 30 s would outlast the 5 s after the last outage in which
                    // every circuit must have closed again.
                    o.CircuitBreaker.MaxBreakDuration = TimeSpan.FromSeconds(2);
                })
                .AddHttpMessageHandler(sends.CreateHandler);
        }

        return services.BuildServiceProvider();
    }

    private static SoakCall NextCall(long id, Random random, Uri[] hosts)
    {
        // Most calls go to the three chaos servers; one in twenty-five to the refused port.
        Uri host = random.Next(25) == 0 ? hosts[3] : hosts[random.Next(3)];
        (SoakCallKind kind, string client) = random.Next(20) switch
        {
            < 10 => (SoakCallKind.Get, ClientNames[random.Next(3)]),
            < 13 => (SoakCallKind.Put, "catalog"),
            < 16 => (SoakCallKind.PostWithKey, "payments"),
            _ => (SoakCallKind.PostWithoutKey, random.Next(2) == 0 ? "payments" : "ledger"),
        };
        return new SoakCall(id, kind, client, new Uri(host, $"/{kind.ToString().ToLowerInvariant()}/{id}"));
    }

    private static async Task CallAsync(HttpClient client, SoakCall call, Random random)
    {
        using var request = new HttpRequestMessage(call.Kind == SoakCallKind.Get ? HttpMethod.Get : call.Kind == SoakCallKind.Put ? HttpMethod.Put : HttpMethod.Post, call.Target);
        request.Headers.Add(SendLog.Header, call.Id.ToString(CultureInfo.InvariantCulture));
        if (call.Kind != SoakCallKind.Get)
        {
            byte[] body = new byte[random.Next(16, 8192)];
            random.NextBytes(body);
            Encoding.ASCII.GetBytes(call.Id.ToString(CultureInfo.InvariantCulture)).CopyTo(body, 0);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            call.BodyHash = Convert.ToHexString(SHA256.HashData(body));
        }

        if (call.Kind == SoakCallKind.PostWithKey)
        {
            request.Headers.Add("Idempotency-Key", $"key-{call.Id}");
        }

        using var cts = new CancellationTokenSource();
        if (random.Next(10) == 0)
        {
            cts.CancelAfter(TimeSpan.FromMilliseconds(random.Next(1, 1500)));
        }

        // Registered before the call starts, so that an early cancellation is timed when it happens.
        using (cts.Token.UnsafeRegister(_ => call.CanceledAt = Stopwatch.GetTimestamp(), null))
        {
            call.Started = Stopwatch.GetTimestamp();
            Task send = SendAsync(client, request, call, cts.Token);
            try
            {
                await send.WaitAsync(HangLimit);
            }
            catch (TimeoutException)
            {
                call.Hung = true;
                call.Ended = Stopwatch.GetTimestamp();
            }
        }
    }

    private static async Task SendAsync(HttpClient client, HttpRequestMessage request, SoakCall call, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
            call.Status = (int)response.StatusCode;
        }
        catch (Exception ex)
        {
            call.Error = ex;
        }
        finally
        {
            call.Ended = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Every ten seconds one server goes down for two and a half (its circuits open, then probe), until <paramref name="lastEnd"/>.</summary>
    private static async Task OutagesAsync(ChaosServer[] servers, TimeSpan lastEnd, CancellationToken stop)
    {
        try
        {
            for (int round = 0; TimeSpan.FromSeconds((10 * round) + 10) <= lastEnd; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(7.5), stop);
                ChaosServer server = servers[round % servers.Length];
                server.Outage = true;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2.5), stop);
                }
                finally
                {
                    server.Outage = false;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task SampleAsync(Action sample, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                sample();
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task<TimeSpan> WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < limit)
        {
            await Task.Delay(50);
        }

        return watch.Elapsed;
    }
}
