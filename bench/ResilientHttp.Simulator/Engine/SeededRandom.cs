namespace ResilientHttp.Simulator;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the one source of chance in a run, so that the same seed gives
/// the same run, bit for bit, on any runtime (<see cref="Random"/>'s algorithm is not a promise). It is the
/// library's own <see cref="RandomSource"/>, the seam through which the retry handler draws its jitter.
/// </summary>
internal sealed class SeededRandom : RandomSource
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Mixes several numbers into one seed, so that each run of a sweep gets its own stream.</summary>
    public static ulong Combine(params ReadOnlySpan<long> parts)
    {
        ulong state = 0x9E3779B97F4A7C15;
        foreach (long part in parts)
        {
            state ^= (ulong)part;
            state = SplitMix(ref state);
        }

        return state;
    }

    /// <summary>A uniform draw in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int NextInt(int count) => (int)((Next() >> 33) * (ulong)count >> 31);

    /// <summary>An exponentially distributed draw with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1 - NextDouble());

    private ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
