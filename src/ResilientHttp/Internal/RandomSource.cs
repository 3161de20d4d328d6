namespace ResilientHttp;

/// <summary>The one source of randomness of the library (jitter), replaceable in DI so tests can pin it.</summary>
internal class RandomSource
{
    public static RandomSource Shared { get; } = new();

    /// <summary>Returns a uniform draw in [0, 1).</summary>
    public virtual double NextDouble() => Random.Shared.NextDouble();
}
