using System.Globalization;

namespace ResilientHttp.FleetRun;

/// <summary>The machine's CPU use (all cores, from /proc/stat), sampled each second of the run.</summary>
internal sealed class CpuSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _start;

    private readonly int[] _pids;

    public CpuSampler(long start, int seconds, IEnumerable<int> pids)
    {
        _start = start;
        _pids = [.. pids];
        Busy = new double[seconds];
        Ours = new double[seconds];
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets the share of all cores busy, per second of the run (NaN when not sampled).</summary>
    public double[] Busy { get; }

    /// <summary>Gets the share of all cores used by the run's own processes (coordinator, workers, redis-server), per second.</summary>
    public double[] Ours { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>Gets the CPU time (user + system) of a process, in seconds, from /proc; 0 when it is gone.</summary>
    public static double ProcessSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task RunAsync()
    {
        Array.Fill(Busy, double.NaN);
        Array.Fill(Ours, double.NaN);
        (long busy, long total) last = Read();
        double ours = _pids.Sum(ProcessSeconds);
        long lastAt = System.Diagnostics.Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            (long busy, long total) now = Read();
            double oursNow = _pids.Sum(ProcessSeconds);
            long at = System.Diagnostics.Stopwatch.GetTimestamp();
            long second = (System.Diagnostics.Stopwatch.GetTimestamp() - _start) / System.Diagnostics.Stopwatch.Frequency;
            if (second >= 1 && second <= Busy.Length && now.total > last.total)
            {
                Busy[second - 1] = (now.busy - last.busy) / (double)(now.total - last.total);
                Ours[second - 1] = (oursNow - ours) / ((at - lastAt) / (double)System.Diagnostics.Stopwatch.Frequency) / Environment.ProcessorCount;
            }

            last = now;
            ours = oursNow;
            lastAt = at;
        }
    }

    private static (long Busy, long Total) Read()
    {
        string line = File.ReadLines("/proc/stat").First();
        long[] values = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture))];
        long idle = values[3] + values[4];
        long total = values.Take(8).Sum();
        return (total - idle, total);
    }
}
