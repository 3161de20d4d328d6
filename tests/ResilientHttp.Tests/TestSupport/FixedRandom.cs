namespace ResilientHttp.Tests;

/// <summary>A random source that always draws the same value: pins the jitter.</summary>
internal sealed class FixedRandom(double value) : RandomSource
{
    public double Value { get; set; } = value;

    public override double NextDouble() => Value;
}
