using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ResilientHttp.Benchmarks;

/// <summary>
/// Rough timings of the parts of a call (`--profile`), to see where the success path's time goes; the goals are
/// judged by the BenchmarkDotNet rows, not by these. `--profile churn` only spins the 10,000-host lookup, and
/// `--profile spin` successful calls of the default pipeline, for perf.
/// </summary>
internal static class Profile
{
    private const int N = 2_000_000;

    public static void Run(bool churnOnly, bool spin = false)
    {
        if (spin)
        {
            // `--profile spin`: successful calls through the default pipeline, one thread, for perf.
            HttpClient client = Clients.ResilientDefaults();
            for (int i = 0; i < 20_000_000; i++)
            {
                client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult().Dispose();
            }

            return;
        }

        TimeProvider time = TimeProvider.System;
        var options = new ResilientHttpOptions();
        Uri[] many = [.. Enumerable.Range(0, 10_000).Select(i => new Uri($"http://host{i}.test:{8000 + (i % 1000)}/item"))];
        int next = 0;
        var churn = new HostTable(time);
        if (churnOnly)
        {
            for (int i = 0; i < 30_000_000; i++)
            {
                churn.GetForCall(many[i % many.Length], options, time.GetTimestamp());
            }

            return;
        }

        var table = new HostTable(time);
        var baseAddress = new Uri("http://bench.test/");
        var uri = new Uri(baseAddress, "/item");
        HostState host = table.Get(uri, options);
        using var deadlines = new AttemptDeadlines(time);
        RandomSource random = RandomSource.Shared;
        var facts = new CallFacts(true, true, true);
        using var meters = new NullMeterFactory();
        var telemetry = new ClientTelemetry("c", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new ResilienceMetrics(meters));

        Measure("TimeProvider.GetTimestamp", () => time.GetTimestamp());
        Measure("a fresh request Uri (what HttpClient makes)", () => _ = new Uri(baseAddress, "/item"));
        Measure("host lookup, fresh Uri (Uri and clock included)", () => table.Get(new Uri(baseAddress, "/item"), options));
        Measure("host lookup, same Uri (clock included)", () => table.Get(uri, options));
        Measure("host lookup, 10,000 hosts, once each (clock incl.)", () => churn.GetForCall(many[next++ % many.Length], options, time.GetTimestamp()));
        Measure("host lookup, 10,000 hosts tracked (clock incl.)", () => churn.Get(many[next++ % many.Length], options));
        Measure("attempt timer, send completed at once", () => deadlines.End(deadlines.Rent(), reusable: true));
        Measure("attempt timer, send in flight", () =>
        {
            DeadlineNode node = deadlines.Rent();
            deadlines.Track(node, TimeSpan.FromSeconds(10), 0);
            deadlines.End(node, reusable: true);
        });
        Measure("circuit gate and report (clock included)", () =>
        {
            long now = time.GetTimestamp();
            CircuitPermit permit = BreakerGate.Enter(host, now, time, out _, out _);
            BreakerGate.Report(host, permit, AttemptOutcome.Status(200), cutByDeadline: false, now, now, options.CircuitBreaker, time, random);
        });
        Measure("retry loop, one answered attempt (clock included)", () =>
        {
            long now = time.GetTimestamp();
            var loop = new RetryLoop(options, host, facts, now, time, random);
            loop.BeforeSend(now);
            loop.Completed(AttemptOutcome.Status(200), now);
        });
        Measure("telemetry, attempt ended, no listener", () =>
            telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.AttemptEnded, Host = host, Method = HttpMethod.Get, Outcome = AttemptOutcome.Status(200) }));
    }

    private static void Measure(string name, Action action)
    {
        // Warmed for half a second, not a count of calls: tiered compilation installs the optimized code in the
        // background about 100 ms after a method is first hot, and a short warm-up measured the unoptimized code.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 500)
        {
            action();
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < N; i++)
        {
            action();
        }

        Console.WriteLine($"{name,-52} {clock.Elapsed.TotalNanoseconds / N,8:0.0} ns");
    }

    private sealed class NullMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
