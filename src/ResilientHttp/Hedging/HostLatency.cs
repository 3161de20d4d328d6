using System.Numerics;

namespace ResilientHttp;

/// <summary>
/// How long one host takes to answer, in bounded memory: a histogram of its recent answer times with eight
/// buckets per doubling (each bucket about 9 % wide), from 10 µs up to <see cref="HedgeDelay.Cap"/>. Old answers
/// fade: whenever <see cref="Window"/> answers have been counted, every bucket is halved, so the percentile follows
/// the last few hundred answers. The percentile hedging asks for is kept up to date as answers are recorded, so
/// reading it is one field read. Safe under concurrent use with no lock on the path of an answer.
/// </summary>
internal sealed class HostLatency
{
    /// <summary>The answers counted before the histogram fades by half.</summary>
    public const int Window = 512;

    /// <summary>The answers needed before a percentile is given: fewer say too little about the host.</summary>
    public const int MinimumSamples = 32;

    private const long Unit = 100; // Ticks per histogram unit: 10 µs.
    private const int PerDoubling = 8;
    private const int RecomputeEvery = 16;

    private static readonly int Buckets = IndexOf(HedgeDelay.Cap.Ticks / Unit) + 2;

    private readonly int[] _counts = new int[Buckets];
    private readonly double _quantile;
    private readonly Lock _fade = new();
    private int _total;
    private int _fades;
    private long _percentileTicks = -1;

    /// <summary>Initializes a new instance of the <see cref="HostLatency"/> class.</summary>
    /// <param name="quantile">The quantile kept up to date, such as 0.95.</param>
    public HostLatency(double quantile) => _quantile = quantile;

    /// <summary>Gets the kept quantile of the recent answer times, or <see langword="null"/> before <see cref="MinimumSamples"/> answers.</summary>
    /// <remarks>The upper edge of the quantile's bucket: at most one bucket's width (about 9 %) above the true value.</remarks>
    public TimeSpan? Percentile => Volatile.Read(ref _percentileTicks) is >= 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Gets the answers counted now (never more than <see cref="Window"/>, after the fades).</summary>
    internal int Samples => Volatile.Read(ref _total);

    /// <summary>Records the time one answer took.</summary>
    public void Record(TimeSpan took)
    {
        int index = Math.Min(IndexOf(Math.Max(0, took.Ticks) / Unit), Buckets - 1);
        Interlocked.Increment(ref _counts[index]);
        int total = Interlocked.Increment(ref _total);
        if (total >= Window)
        {
            Fade();
        }
        else if (total % RecomputeEvery == 0 || total == MinimumSamples)
        {
            Recompute();
        }
    }

    /// <summary>The bucket of a time in units: 0 below one unit, then <see cref="PerDoubling"/> buckets per doubling.</summary>
    internal static int IndexOf(long units)
    {
        if (units < 1)
        {
            return 0;
        }

        int doubling = 63 - BitOperations.LeadingZeroCount((ulong)units);
        long fraction = doubling >= 3 ? (units >> (doubling - 3)) & (PerDoubling - 1) : (units << (3 - doubling)) & (PerDoubling - 1);
        return 1 + (doubling * PerDoubling) + (int)fraction;
    }

    /// <summary>The lowest time, in units, of a bucket (and the upper edge of the one before).</summary>
    internal static long LowerEdgeOf(int index)
    {
        if (index <= 0)
        {
            return 0;
        }

        int doubling = (index - 1) / PerDoubling;
        long fraction = (index - 1) % PerDoubling;
        return doubling >= 3 ? (PerDoubling + fraction) << (doubling - 3) : (PerDoubling + fraction) >> (3 - doubling);
    }

    private void Fade()
    {
        lock (_fade)
        {
            if (Volatile.Read(ref _total) < Window)
            {
                return; // Another thread faded it already.
            }

            // Halved in place, rounding down and up in turn, so that a bucket of one fades out instead of staying for
            // ever, and the halving is unbiased over two fades; an answer counted meanwhile is kept.
            int roundUp = _fades++ & 1;
            int total = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                int count = Volatile.Read(ref _counts[i]);
                total += Interlocked.Add(ref _counts[i], -((count + 1 - roundUp) / 2));
            }

            Volatile.Write(ref _total, total);
            Recompute();
        }
    }

    private void Recompute()
    {
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
        }

        if (seen < MinimumSamples)
        {
            return;
        }

        long wanted = (long)Math.Ceiling(seen * _quantile);
        long count = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            count += Volatile.Read(ref _counts[i]);
            if (count >= wanted)
            {
                Volatile.Write(ref _percentileTicks, LowerEdgeOf(i + 1) * Unit);
                return;
            }
        }
    }
}
