using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>R10: a host's Retry-After holds every call of the same client to that host until the moment it named.</summary>
public sealed class HostPacingTests
{
    private static TestClient CreateSut(Action<ResilientHttpOptions>? configure = null)
    {
        int first = 1;
        var sut = TestClient.Create(o => { o.CircuitBreaker.Enabled = false; configure?.Invoke(o); }, random: 0.0);
        sut.Handle((request, _) =>
        {
            // The first call to throttled.test is told to come back in 5 s; everything else succeeds.
            if (request.RequestUri!.Host == "throttled.test" && Interlocked.Exchange(ref first, 0) == 1)
            {
                var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                throttled.Headers.TryAddWithoutValidation("Retry-After", "5");
                return Task.FromResult(throttled);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        });
        return sut;
    }

    [Fact]
    public async Task Send_AfterTheHostAskedForAPause_LaterCallsWaitForThatMoment()
    {
        using var sut = CreateSut(o => o.Retry.Enabled = false);
        using (HttpResponseMessage throttled = await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/a")))
        {
            throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        sut.Time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage later = await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/b"));

        later.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent[1].At.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Send_ConcurrentCallsDuringAPause_AllWaitInsteadOfCollectingTheirOwn429()
    {
        using var sut = CreateSut();
        Task<HttpResponseMessage> first = sut.Client.GetAsync("http://throttled.test/a");
        await FakeTimeExtensions.UntilAsync(() => sut.Sent.Count == 1);
        Task<HttpResponseMessage> second = sut.Client.GetAsync("http://throttled.test/b");

        HttpResponseMessage[] responses = await sut.RunAsync(Task.WhenAll(first, second));

        sut.Sent.Count.ShouldBe(3);
        sut.Sent.Skip(1).ShouldAllBe(s => s.At >= TimeSpan.FromSeconds(5));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Send_OtherHosts_AreNotHeld()
    {
        using var sut = CreateSut(o => o.Retry.Enabled = false);
        using (await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/a")))
        {
        }

        using HttpResponseMessage other = await sut.RunAsync(sut.Client.GetAsync("http://other.test/"));

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Send_PauseLongerThanMaxRetryAfter_IsNotWaitedFor()
    {
        using var sut = CreateSut(o => (o.Retry.Enabled, o.Retry.MaxRetryAfter) = (true, TimeSpan.FromSeconds(3)));
        using (await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/a")))
        {
        }

        using HttpResponseMessage later = await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/b"));

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Send_PausePastTheCallersDeadline_IsNotWaitedFor()
    {
        using var sut = CreateSut(o => (o.Retry.Enabled, o.AttemptTimeout, o.TotalTimeout) = (false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
        using (await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/a")))
        {
        }

        using HttpResponseMessage later = await sut.RunAsync(sut.Client.GetAsync("http://throttled.test/b"));

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public void PacingDelay_APauseIsWaitedForWhenEitherKindOfPauseIsHonoured(bool retryAfter, bool rateLimit, bool waits)
    {
        var options = new RetryOptions { HonorRetryAfter = retryAfter, HonorRateLimitHeaders = rateLimit, JitterFactor = 0 };

        TimeSpan wait = RetryStrategy.PacingDelay(TimeSpan.FromSeconds(2), options, null, 0.5);

        (wait > TimeSpan.Zero).ShouldBe(waits);
    }

    [Theory]
    [InlineData(true, 5.0)]
    [InlineData(false, null)]
    public void HostPause_ASpentQuota_IsAPauseOnlyWhileRateLimitHeadersAreHonoured(bool honoured, double? seconds)
    {
        var options = new RetryOptions { HonorRateLimitHeaders = honoured };
        AttemptOutcome outcome = AttemptOutcome.Status(200) with { QuotaReset = TimeSpan.FromSeconds(5) };

        TimeSpan? pause = RetryStrategy.HostPause(outcome, options, out WaitSource source);

        pause.ShouldBe(seconds is { } s ? TimeSpan.FromSeconds(s) : null);
        source.ShouldBe(WaitSource.RateLimit);
    }

    [Fact]
    public void PacingDelay_PauseExactlyTheCap_IsWaitedFor()
    {
        var options = new RetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(4) };

        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), options, null, 0.0).ShouldBe(TimeSpan.FromSeconds(4));
        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4.001), options, null, 0.0).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void PacingDelay_PauseEndingExactlyAtTheDeadline_IsNotWaitedFor()
    {
        var options = new RetryOptions();

        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), options, TimeSpan.FromSeconds(4), 0.0).ShouldBe(TimeSpan.Zero);
        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), options, TimeSpan.FromSeconds(4.001), 0.0).ShouldBe(TimeSpan.FromSeconds(4));
    }

    [Theory]
    [InlineData(4.5, 4)]
    [InlineData(5, 4)]
    [InlineData(6, 5)]
    public void PacingDelay_SpreadReachingTheDeadline_WaitsOnlyThePause(double remainingSeconds, double waitSeconds)
    {
        // A 4 s pause with a middle draw is spread to 5 s.
        TimeSpan wait = RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), new RetryOptions(), TimeSpan.FromSeconds(remainingSeconds), 0.5);

        wait.ShouldBe(TimeSpan.FromSeconds(waitSeconds));
    }

    [Fact]
    public void RecordPause_ClockCountingNanoseconds_HoldsTheHostForExactlyThePause()
    {
        var clock = new NanosecondClock();
        var host = new HostState("http://h:80", 3, clock.GetTimestamp());

        RetryStrategy.RecordPause(AttemptOutcome.Status(429, TimeSpan.FromSeconds(5)), host, new RetryOptions(), clock.GetTimestamp(), clock);
        clock.Advance(TimeSpan.FromSeconds(1));

        host.Pacing.Remaining(clock.GetTimestamp(), clock).ShouldBe(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void RecordPause_ShorterPauseAfterALongerOne_DoesNotShortenIt()
    {
        var clock = new NanosecondClock();
        var host = new HostState("http://h:80", 3, clock.GetTimestamp());
        var options = new RetryOptions();

        RetryStrategy.RecordPause(AttemptOutcome.Status(429, TimeSpan.FromSeconds(5)), host, options, clock.GetTimestamp(), clock);
        RetryStrategy.RecordPause(AttemptOutcome.Status(429, TimeSpan.FromSeconds(2)), host, options, clock.GetTimestamp(), clock);
        RetryStrategy.RecordPause(AttemptOutcome.Status(429, TimeSpan.FromSeconds(5)), host, options, clock.GetTimestamp(), clock);

        host.Pacing.Remaining(clock.GetTimestamp(), clock).ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void PacingDelay_IsNeverShorterThanThePauseAndSpreadByTheJitter()
    {
        var options = new RetryOptions();

        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), options, null, 0.0).ShouldBe(TimeSpan.FromSeconds(4));
        RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), options, null, 0.5).ShouldBe(TimeSpan.FromSeconds(5));
        RetryStrategy.PacingDelay(TimeSpan.Zero, options, null, 0.5).ShouldBe(TimeSpan.Zero);
    }
}
