using System.Globalization;
using System.Text;
using ResilientHttp.Simulator;

namespace ResilientHttp.FleetRun;

/// <summary>
/// One run's measures, as the simulator's <c>FleetOutageResult</c> defines them over the window [outage start, outage end
/// + 60 s): amplification = attempts sent in the window ÷ calls started in it (the clients' sends, as the simulator counts
/// them; the server's arrivals alongside), success = the calls started in the window that finally succeeded, recovery =
/// seconds from the outage's end to the first of 5 s in a row of goodput ≥ 0.9 λ after the last 5 s whose mean fell below,
/// peak = the most attempts sent in one second of the 60 s after the outage ÷ C, wasted = the server's work in the window
/// spent on attempts already abandoned.
/// </summary>
internal sealed record RunResult
{
    public required string World { get; init; }

    public required RunSettings Settings { get; init; }

    public long Calls { get; init; }

    public long Attempts { get; init; }

    public long ServerArrivals { get; init; }

    public double Amplification => Calls == 0 ? 0 : Attempts / (double)Calls;

    public double ServerAmplification => Calls == 0 ? 0 : ServerArrivals / (double)Calls;

    public double Success { get; init; }

    public double RecoverySeconds { get; init; }

    public double PeakOfferedAfter { get; init; }

    public double Wasted { get; init; }

    public long Unfinished { get; init; }

    public double IdleStoreRoundTripMs { get; init; }

    public double LoadedStoreRoundTripMs { get; init; }

    public double MeanCpu { get; init; }

    public double MaxCpu5s { get; init; }

    public double MeanOurCpu { get; init; }

    public double MaxOurCpu5s { get; init; }

    public double WorkerCpuSeconds { get; init; }

    public double CoordinatorCpuSeconds { get; init; }

    public double RedisCpuSeconds { get; init; }

    public double ServerMeanLatenessMs { get; init; }

    public double ServerMaxLatenessMs { get; init; }

    public double CallMeanLatenessMs { get; init; }

    public double CallMaxLatenessMs { get; init; }

    public int StoresAvailable { get; init; }

    public long StoreAnswers { get; init; }

    public double LowestBalance { get; init; }

    public IReadOnlyList<double> OfferedLoad { get; init; } = [];

    public IReadOnlyList<double> Goodput { get; init; } = [];

    public static RunResult From(
        RunSettings settings,
        IReadOnlyList<WorkerReport> reports,
        QueueServerEmulator server,
        double[] cpu,
        double[] ours,
        double idleRoundTrip,
        IReadOnlyList<double> roundTrips,
        double coordinatorCpu,
        double redisCpu,
        IReadOnlyList<(int Second, double Balance)> balances)
    {
        int from = settings.OutageStartSecond;
        int to = settings.WindowEndSecond;
        int end = settings.OutageEndSecond;
        int seconds = settings.LoadSeconds;
        long[] started = Sum(reports, r => r.Started, settings.SeriesSeconds);
        long[] succeeded = Sum(reports, r => r.SucceededByStart, settings.SeriesSeconds);
        long[] sends = Sum(reports, r => r.Sends, settings.SeriesSeconds);
        long[] goodput = Sum(reports, r => r.Goodput, settings.SeriesSeconds);
        long calls = Window(started, from, to);
        double[] offered = [.. sends.Take(seconds).Select(n => n / settings.Capacity)];
        double[] good = [.. goodput.Take(seconds).Select(n => n / settings.Capacity)];
        double busy = Window(server.Served, from, to);
        double[] sampled = [.. cpu.Take(seconds).Where(v => !double.IsNaN(v))];
        double[] sampledOurs = [.. ours.Take(seconds).Where(v => !double.IsNaN(v))];

        // The series stops a few seconds after the window (the load stops), so recovery is looked for in it, not in the
        // simulator's 120 s after the outage: the same answer for a fleet that does not collapse again after the window.
        double[] recoverySeries = [.. good.Take(to + Math.Min(settings.TailSeconds, 5))];
        return new RunResult
        {
            World = settings.ToString(),
            Settings = settings,
            Calls = calls,
            Attempts = Window(sends, from, to),
            ServerArrivals = Window(server.Arrivals, from, to),
            Success = calls == 0 ? 0 : Window(succeeded, from, to) / (double)calls,
            RecoverySeconds = FleetOutageScenario.RecoverySeconds(recoverySeries, end, 0.9 * settings.Load),
            PeakOfferedAfter = offered.Skip(end).Take(settings.WindowAfterSeconds).DefaultIfEmpty(0).Max(),
            Wasted = busy == 0 ? 0 : Window(server.Wasted, from, to) / busy,
            Unfinished = reports.Sum(r => r.Unfinished),
            IdleStoreRoundTripMs = idleRoundTrip,
            LoadedStoreRoundTripMs = roundTrips.Count == 0 ? double.NaN : roundTrips.Order().ElementAt(roundTrips.Count / 2),
            MeanCpu = sampled.DefaultIfEmpty(double.NaN).Average(),
            MaxCpu5s = Worst5(cpu, seconds),
            MeanOurCpu = sampledOurs.DefaultIfEmpty(double.NaN).Average(),
            MaxOurCpu5s = Worst5(ours, seconds),
            WorkerCpuSeconds = reports.Sum(r => r.LoadCpuSeconds),
            CoordinatorCpuSeconds = coordinatorCpu,
            RedisCpuSeconds = redisCpu,
            ServerMeanLatenessMs = server.MeanLatenessMs,
            ServerMaxLatenessMs = server.MaxLatenessMs,
            CallMeanLatenessMs = reports.Average(r => r.MeanStartLatenessMs),
            CallMaxLatenessMs = reports.Max(r => r.MaxStartLatenessMs),
            StoresAvailable = reports.Sum(r => r.StoresAvailable),
            StoreAnswers = reports.Sum(r => r.StoreAnswers),
            LowestBalance = balances.Count == 0 ? double.NaN : balances.Min(b => b.Balance),
            OfferedLoad = offered,
            Goodput = good,
        };
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{World}: amplification {Amplification:0.000} (server-counted {ServerAmplification:0.000}), success {Success:P1}, recovery {(double.IsPositiveInfinity(RecoverySeconds) ? "∞" : RecoverySeconds.ToString("0", CultureInfo.InvariantCulture) + " s")}, peak {PeakOfferedAfter:0.000}, wasted {Wasted:P1}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  calls in window {Calls}, attempts {Attempts}, server arrivals {ServerArrivals}, unfinished {Unfinished}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  machine CPU (2 cores = 100 %) mean {MeanCpu:P0}, worst 5 s {MaxCpu5s:P0}; the run's own processes mean {MeanOurCpu:P0}, worst 5 s {MaxOurCpu5s:P0}; CPU s: workers {WorkerCpuSeconds:0.0}, coordinator {CoordinatorCpuSeconds:0.0}, redis {RedisCpuSeconds:0.0}");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  server completion lateness mean {ServerMeanLatenessMs:0.00} ms, max {ServerMaxLatenessMs:0.0} ms; call start lateness mean {CallMeanLatenessMs:0.00} ms, max {CallMaxLatenessMs:0.0} ms");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  redis round trip idle {IdleStoreRoundTripMs:0.000} ms, under load (median) {LoadedStoreRoundTripMs:0.000} ms");
        if (Settings.Shared)
        {
            text.Append(CultureInfo.InvariantCulture, $"; stores available at the end {StoresAvailable}/{Settings.Clients}, store answers {StoreAnswers}, lowest balance {LowestBalance:0.00}");
        }

        return text.ToString();
    }

    private static double Worst5(double[] cpu, int seconds)
    {
        double max = 0;
        for (int s = 0; s + 5 <= seconds; s++)
        {
            double[] five = [.. cpu.Skip(s).Take(5).Where(v => !double.IsNaN(v))];
            if (five.Length > 0)
            {
                max = Math.Max(max, five.Average());
            }
        }

        return max;
    }

    private static long[] Sum(IReadOnlyList<WorkerReport> reports, Func<WorkerReport, long[]> series, int seconds)
    {
        var sum = new long[seconds];
        foreach (WorkerReport report in reports)
        {
            long[] values = series(report);
            for (int i = 0; i < Math.Min(seconds, values.Length); i++)
            {
                sum[i] += values[i];
            }
        }

        return sum;
    }

    private static long Window(long[] series, int from, int to) => series.Skip(from).Take(to - from).Sum();
}
