namespace ResilientHttp.Tests.Hedging;

/// <summary>The adaptive hedging delay: a host's answer times in bounded memory, their 95th percentile, and its floor and cap.</summary>
public sealed class HostLatencyTests
{
    private static HostLatency Recorded(IEnumerable<double> milliseconds)
    {
        var latency = new HostLatency(HedgeDelay.Quantile);
        foreach (double ms in milliseconds)
        {
            latency.Record(TimeSpan.FromMilliseconds(ms));
        }

        return latency;
    }

    [Fact]
    public void Buckets_EachTimeFallsInTheBucketWhoseEdgesHoldIt_NoWiderThanAnEighthOfADoubling()
    {
        for (long units = 8; units < 1_000_000; units += 1 + (units / 97))
        {
            int index = HostLatency.IndexOf(units);
            long lower = HostLatency.LowerEdgeOf(index);
            long upper = HostLatency.LowerEdgeOf(index + 1);
            units.ShouldBeInRange(lower, upper - 1, $"bucket {index}");
            ((double)(upper - lower) / lower).ShouldBeLessThanOrEqualTo(0.125 + 1e-9);
        }
    }

    [Fact]
    public void Buckets_GrowWithTheTime_OneAtATimeFromEightyMicroseconds()
    {
        int previous = 0;
        for (long units = 0; units < 100_000; units++)
        {
            int index = HostLatency.IndexOf(units);
            index.ShouldBeInRange(previous, units > 8 ? previous + 1 : int.MaxValue);
            previous = index;
        }
    }

    [Fact]
    public void Percentile_FewerThanTheMinimumAnswers_IsUnknown()
    {
        Recorded(Enumerable.Repeat(5.0, HostLatency.MinimumSamples - 1)).Percentile.ShouldBeNull();
        Recorded(Enumerable.Repeat(5.0, HostLatency.MinimumSamples)).Percentile.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(2.0, 300.0, 0.02)] // the benchmark's server: 2 % of answers take 300 ms
    [InlineData(10.0, 500.0, 0.10)] // a tail thicker than 5 %: the percentile is in it
    public void Percentile_IsTheNinetyFifthOfTheAnswers_AtMostOneBucketAbove(double fast, double slow, double slowShare)
    {
        var random = new Random(7);
        double[] answers = [.. Enumerable.Range(0, 400).Select(_ => random.NextDouble() < slowShare ? slow : fast * (0.5 + random.NextDouble()))];
        double expected = answers.Order().ElementAt((int)Math.Ceiling(answers.Length * 0.95) - 1);

        TimeSpan percentile = Recorded(answers).Percentile!.Value;

        percentile.TotalMilliseconds.ShouldBeInRange(expected, expected * 1.125);
    }

    [Fact]
    public void Percentile_FollowsAHostThatSlowsDown_WithinAFewWindows()
    {
        HostLatency latency = Recorded(Enumerable.Repeat(2.0, 2000));
        latency.Percentile!.Value.TotalMilliseconds.ShouldBeLessThan(2.3);

        foreach (double ms in Enumerable.Repeat(40.0, 3 * HostLatency.Window))
        {
            latency.Record(TimeSpan.FromMilliseconds(ms));
        }

        latency.Percentile!.Value.TotalMilliseconds.ShouldBeInRange(40, 45);
    }

    [Fact]
    public void Percentile_FollowsAHostThatSpeedsUp_WithinFiveWindows()
    {
        HostLatency latency = Recorded(Enumerable.Repeat(40.0, 2000));

        foreach (double ms in Enumerable.Repeat(2.0, 5 * HostLatency.Window))
        {
            latency.Record(TimeSpan.FromMilliseconds(ms));
        }

        latency.Percentile!.Value.TotalMilliseconds.ShouldBeLessThan(2.3);
    }

    [Fact]
    public void Fade_LetsABucketOfOneFadeOut()
    {
        var latency = new HostLatency(quantile: 1.0); // the slowest answer counted
        latency.Record(TimeSpan.FromSeconds(3)); // one very slow answer, long ago
        foreach (double ms in Enumerable.Repeat(2.0, 4 * HostLatency.Window))
        {
            latency.Record(TimeSpan.FromMilliseconds(ms));
        }

        // Were the one answer kept for ever, the slowest would still be 3 s.
        latency.Percentile!.Value.ShouldBeLessThan(TimeSpan.FromMilliseconds(3));
    }

    [Fact]
    public void Record_ManyAnswersFromManyThreads_KeepsTheCountBoundedAndThePercentileRight()
    {
        var latency = new HostLatency(HedgeDelay.Quantile);

        Parallel.For(0, 100_000, i => latency.Record(TimeSpan.FromMilliseconds(i % 100 == 0 ? 300 : 2)));

        latency.Percentile!.Value.TotalMilliseconds.ShouldBeInRange(2, 2.25);
        latency.Samples.ShouldBeInRange(HostLatency.Window / 2, HostLatency.Window);
    }

    [Fact]
    public void Record_BeyondTheCap_CountsInTheLastBucket()
    {
        HostLatency latency = Recorded(Enumerable.Repeat(60_000.0, HostLatency.MinimumSamples));

        latency.Percentile!.Value.ShouldBeGreaterThanOrEqualTo(HedgeDelay.Cap);
    }

    [Fact]
    public void HedgeDelay_Adaptive_IsKeptBetweenTheFloorAndTheCap()
    {
        var fast = new HostState("fast.test:80", 3, 0);
        var slow = new HostState("slow.test:80", 3, 0);
        for (int i = 0; i < HostLatency.MinimumSamples; i++)
        {
            fast.Latency.Record(TimeSpan.FromTicks(10));
            slow.Latency.Record(TimeSpan.FromMinutes(1));
        }

        var adaptive = new HedgingOptions { Enabled = true };
        HedgeDelay.For(adaptive, fast).ShouldBe(HedgeDelay.Floor);
        HedgeDelay.For(adaptive, slow).ShouldBe(HedgeDelay.Cap);
        HedgeDelay.For(adaptive, new HostState("new.test:80", 3, 0)).ShouldBeNull();
        HedgeDelay.For(new HedgingOptions { Enabled = true, Delay = TimeSpan.FromSeconds(30) }, slow).ShouldBe(TimeSpan.FromSeconds(30));
    }
}
