namespace ResilientHttp.Benchmarks;

/// <summary>
/// `--admission`: how often a call finds its host already tracked (its history kept), when a client calls many more
/// hosts than it tracks, with and without C6's admission of a full table's newcomers on their second call.
/// </summary>
internal static class Admission
{
    private const int Calls = 2_000_000;

    public static void Report(TextWriter output)
    {
        var options = new ResilientHttpOptions();
        output.WriteLine($"{"hosts called",-40} {"tracked at once",16} {"second call",12}   (share of calls finding their host tracked; table of {options.CircuitBreaker.MaxTrackedHosts:N0})");
        foreach ((string name, int hosts, double skew) in new[]
        {
            ("10,000 hosts, round-robin", 10_000, -1.0),
            ("10,000 hosts, Zipf s = 0.8", 10_000, 0.8),
            ("10,000 hosts, Zipf s = 1.0", 10_000, 1.0),
            ("100,000 hosts, Zipf s = 1.0", 100_000, 1.0),
            ("1,000 hosts, uniform (within the bound)", 1_000, 0.0),
        })
        {
            Uri[] uris = [.. Enumerable.Range(0, hosts).Select(i => new Uri($"http://host{i}.test/item"))];
            int[] sequence = Sequence(hosts, skew);
            output.WriteLine($"{name,-40} {HitRatio(uris, sequence, options, secondCall: false),16:P1} {HitRatio(uris, sequence, options, secondCall: true),12:P1}");
        }
    }

    private static double HitRatio(Uri[] uris, int[] sequence, ResilientHttpOptions options, bool secondCall)
    {
        var clock = new SteppingClock();
        var table = new HostTable(clock);
        int hits = 0;
        foreach (int host in sequence)
        {
            Uri uri = uris[host];
            hits += table.Find(HostTable.FormatAuthority(uri)) is null ? 0 : 1;
            _ = secondCall ? table.GetForCall(uri, options, clock.GetTimestamp()) : table.Get(uri, options);
        }

        return hits / (double)sequence.Length;
    }

    // skew < 0: round-robin; 0: uniform; else Zipf with exponent skew. One fixed seed, so both columns see the same calls.
    private static int[] Sequence(int hosts, double skew)
    {
        if (skew < 0)
        {
            return [.. Enumerable.Range(0, Calls).Select(i => i % hosts)];
        }

        double[] cumulative = new double[hosts];
        double sum = 0;
        for (int i = 0; i < hosts; i++)
        {
            sum += 1 / Math.Pow(i + 1, skew);
            cumulative[i] = sum;
        }

        var random = new Random(1);
        return [.. Enumerable.Range(0, Calls).Select(_ =>
        {
            int index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            return index < 0 ? ~index : index;
        })];
    }

    // A millisecond per reading: calls a millisecond apart, so idleness orders hosts as it would in a service.
    private sealed class SteppingClock : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => ++_now;
    }
}
