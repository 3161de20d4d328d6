namespace ResilientHttp.Simulator.Tests;

public sealed class SeededRandomTests
{
    [Fact]
    public void SameSeed_GivesTheSameDraws()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);

        Enumerable.Range(0, 100).Select(_ => a.NextDouble()).ShouldBe(Enumerable.Range(0, 100).Select(_ => b.NextDouble()));
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentDraws()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(43);

        Enumerable.Range(0, 10).Select(_ => a.NextDouble()).ShouldNotBe(Enumerable.Range(0, 10).Select(_ => b.NextDouble()));
    }

    [Fact]
    public void Draws_AreUniformInTheUnitIntervalAndIntegersInRange()
    {
        var random = new SeededRandom(7);
        double[] draws = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextDouble())];
        int[] ints = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextInt(10))];

        draws.ShouldAllBe(d => d >= 0 && d < 1);
        draws.Average().ShouldBe(0.5, 0.01);
        ints.ShouldAllBe(i => i >= 0 && i < 10);
        ints.Distinct().Count().ShouldBe(10);
    }
}
