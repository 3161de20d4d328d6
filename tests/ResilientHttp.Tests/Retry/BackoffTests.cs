using CsCheck;

namespace ResilientHttp.Tests.Retry;

/// <summary>R3: exponential backoff, spread by ±JitterFactor, never above MaxDelay, still spread at the cap.</summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    public void Compute_MiddleDraw_GivesBaseTimesTwoToTheRetryMinusOne(int retry, double seconds)
    {
        Backoff.Compute(retry, Base, Max, 0.5, random: 0.5).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(0.25, 0.75)]
    [InlineData(0.75, 1.25)]
    [InlineData(0.999999, 1.499999)]
    public void Compute_Jitter_SpreadsUniformlyOverPlusMinusJitterFactor(double draw, double factor)
    {
        double seconds = Backoff.Compute(3, Base, Max, 0.5, draw).TotalSeconds;

        seconds.ShouldBe(4 * factor, tolerance: 1e-5);
    }

    [Fact]
    public void Compute_NoJitter_GivesExactWaits()
    {
        Backoff.Compute(1, Base, Max, 0, 0.0).ShouldBe(TimeSpan.FromSeconds(1));
        Backoff.Compute(2, Base, Max, 0, 0.9).ShouldBe(TimeSpan.FromSeconds(2));
        Backoff.Compute(10, Base, Max, 0, 0.3).ShouldBe(Max);
    }

    [Fact]
    public void Compute_AtTheCap_WaitsStaySpreadBelowMaxDelay()
    {
        var waits = Enumerable.Range(0, 10).Select(i => Backoff.Compute(10, Base, Max, 0.5, i / 10.0)).ToList();

        waits.ShouldAllBe(w => w <= Max && w >= TimeSpan.FromSeconds(15));
        waits.Distinct().Count().ShouldBe(10);
    }

    [Fact]
    public void Compute_NearTheCap_IsNotClippedIntoAClump()
    {
        // Nominal 16 s ± 50 % would reach 24 s; with a 20 s cap the upper draws must not all become 20 s.
        var waits = Enumerable.Range(0, 10).Select(i => Backoff.Compute(5, Base, TimeSpan.FromSeconds(20), 0.5, i / 10.0)).ToList();

        waits.ShouldAllBe(w => w <= TimeSpan.FromSeconds(20));
        waits.Distinct().Count().ShouldBe(10);
        waits[0].ShouldBe(TimeSpan.FromSeconds(8)); // the lowest draw keeps the nominal's lower bound
    }

    [Fact]
    public void Compute_AnyInputs_StaysWithinItsBoundsAndNeverOverflows()
    {
        Gen.Select(Gen.Int[1, 1000], Gen.Long[0, TimeSpan.TicksPerDay], Gen.Long[0, TimeSpan.TicksPerDay], Gen.Double[0, 1], Gen.Double[0, 0.9999999])
            .Sample((retry, baseTicks, extraTicks, jitter, draw) =>
            {
                var baseDelay = TimeSpan.FromTicks(baseTicks);
                var maxDelay = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerDay, baseTicks + extraTicks));
                TimeSpan wait = Backoff.Compute(retry, baseDelay, maxDelay, jitter, draw);

                double nominal = Math.Min(baseTicks * Math.Pow(2, retry - 1), maxDelay.Ticks);
                double lowest = Math.Min(nominal * (1 - jitter), maxDelay.Ticks * (1 - jitter));
                return wait >= TimeSpan.Zero && wait <= maxDelay && wait.Ticks >= lowest - 1;
            });
    }

    [Fact]
    public void Compute_BelowTheCap_StaysWithinPlusMinusJitterOfNominal()
    {
        Gen.Select(Gen.Int[1, 10], Gen.Double[0, 1], Gen.Double[0, 0.9999999])
            .Sample((retry, jitter, draw) =>
            {
                var maxDelay = TimeSpan.FromDays(1);
                double nominal = Base.Ticks * Math.Pow(2, retry - 1);
                double wait = Backoff.Compute(retry, Base, maxDelay, jitter, draw).Ticks;
                return wait >= (nominal * (1 - jitter)) - 1 && wait <= nominal * (1 + jitter);
            });
    }

    [Fact]
    public void AfterRetryAfter_IsNeverEarlierAndAtMostJitterLater()
    {
        Gen.Select(Gen.Long[0, TimeSpan.TicksPerHour], Gen.Double[0, 1], Gen.Double[0, 0.9999999])
            .Sample((ticks, jitter, draw) =>
            {
                var said = TimeSpan.FromTicks(ticks);
                TimeSpan wait = Backoff.AfterRetryAfter(said, Base, jitter, draw);
                return wait >= said && wait.Ticks <= said.Ticks + (Math.Max(said.Ticks, Base.Ticks) * jitter) + 1;
            });
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.9)]
    public void AfterRetryAfter_LongestRetryAfter_IsTheLongestWaitNotAnOverflow(double draw)
    {
        Backoff.AfterRetryAfter(TimeSpan.MaxValue, Base, 0.5, draw).ShouldBe(TimeSpan.MaxValue);
    }

    [Fact]
    public void AfterRetryAfter_ZeroFromTheHost_IsStillSpreadAcrossCallers()
    {
        var waits = new[] { 0.1, 0.5, 0.9 }.Select(d => Backoff.AfterRetryAfter(TimeSpan.Zero, Base, 0.5, d)).ToList();

        waits.Distinct().Count().ShouldBe(3);
        waits.ShouldAllBe(w => w >= TimeSpan.Zero && w <= TimeSpan.FromMilliseconds(500));
    }
}
