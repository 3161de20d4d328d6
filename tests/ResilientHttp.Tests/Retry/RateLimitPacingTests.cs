using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ResilientHttp.Tests.Retry;

/// <summary>
/// P1: a response saying the quota is spent holds the client's later calls to that host until the reset, as a
/// <c>Retry-After</c> does (R10): same caps, same jitter, never earlier; a <c>Retry-After</c> wins.
/// </summary>
public sealed class RateLimitPacingTests
{
    private static HttpResponseMessage Answer(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private static TestClient CreateSut(Action<ResilientHttpOptions>? configure = null, double random = 0.0, Action<IServiceCollection>? services = null) =>
        TestClient.Create(o => { o.CircuitBreaker.Enabled = false; configure?.Invoke(o); }, random, services);

    [Fact]
    public async Task Send_AfterASuccessSayingTheQuotaIsSpent_TheNextCallWaitsForTheReset()
    {
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.OK, ("RateLimit", "\"default\";r=0;t=2")), () => Answer(HttpStatusCode.OK));
        using (HttpResponseMessage spent = await sut.GetAsync())
        {
            spent.StatusCode.ShouldBe(HttpStatusCode.OK, "the answer that spent the quota goes back as it is");
        }

        using HttpResponseMessage next = await sut.GetAsync();

        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task Send_QuotaLeft_DoesNotPause()
    {
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.OK, ("RateLimit", "\"default\";r=1;t=2")));
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Send_OptionOff_IgnoresTheQuotaHeaders()
    {
        using var sut = CreateSut(o => o.Retry.HonorRateLimitHeaders = false).Respond(() => Answer(HttpStatusCode.OK, ("RateLimit", "\"default\";r=0;t=2")));
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Send_PauseIsSpreadByTheJitterButNeverEarlier()
    {
        using var sut = CreateSut(random: 0.5).Respond(() => Answer(HttpStatusCode.OK, ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "4")), () => Answer(HttpStatusCode.OK));
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        // As for a Retry-After of 4 s with a middle draw: 4 s plus half the spread (R10).
        sut.Sent[1].At.ShouldBe(RetryStrategy.PacingDelay(TimeSpan.FromSeconds(4), new RetryOptions(), null, 0.5));
        sut.Sent[1].At.ShouldBeGreaterThan(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Send_429WithASpentQuota_RetriesAtTheResetNotTheBackoff()
    {
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.TooManyRequests, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "3")), () => Answer(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(3)]);
    }

    [Theory]
    [InlineData("5", 2, 5)]
    [InlineData("1", 4, 1)]
    public async Task Send_RetryAfterAndAQuota_RetryAfterWins(string retryAfter, int quotaReset, int waitedSeconds)
    {
        using var sut = CreateSut().Respond(
            () => Answer(HttpStatusCode.TooManyRequests, ("Retry-After", retryAfter), ("RateLimit", $"\"q\";r=0;t={quotaReset}")),
            () => Answer(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();
        using HttpResponseMessage next = await sut.GetAsync();

        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(waitedSeconds), TimeSpan.FromSeconds(waitedSeconds)]);
    }

    [Fact]
    public async Task Send_RetryAfterNotHonoured_TheQuotaStillIs()
    {
        using var sut = CreateSut(o => o.Retry.HonorRetryAfter = false).Respond(
            () => Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "5"), ("RateLimit", "\"q\";r=0;t=2")),
            () => Answer(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent[1].At.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Send_ResetPastMaxRetryAfter_IsNotWaitedForAndThe429GoesBackAtOnce()
    {
        using var sut = CreateSut(o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(10)).Respond(
            () => Answer(HttpStatusCode.TooManyRequests, ("RateLimit", "\"q\";r=0;t=60")),
            () => Answer(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();
        using HttpResponseMessage next = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, TimeSpan.Zero]);
    }

    [Theory]
    [InlineData("RateLimit-Reset", "86401")]
    [InlineData("RateLimit-Reset", "-3")]
    [InlineData("RateLimit-Reset", "soon")]
    public async Task Send_AbsurdReset_IsIgnored(string name, string value)
    {
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.OK, ("RateLimit-Remaining", "0"), (name, value)));
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        sut.Sent[1].At.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Send_CallsDuringASpentQuota_AllWaitInsteadOfCollecting429s()
    {
        // A quota of 1 per 5 s: every answer spends it.
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.OK, ("RateLimit", "\"default\";r=0;t=5")));
        using (await sut.GetAsync())
        {
        }

        HttpResponseMessage[] later = await sut.RunAsync(Task.WhenAll(sut.Client.GetAsync("/a"), sut.Client.GetAsync("/b")));

        later.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        sut.Sent.Skip(1).ShouldAllBe(s => s.At >= TimeSpan.FromSeconds(5));
        foreach (HttpResponseMessage response in later)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Send_PausedByAQuota_LogsHostPacedWithItsSourceAndMetersTheWaitAsRateLimit()
    {
        using var sut = CreateSut(services: s => s.AddFakeLogging().AddLogging(b => b.SetMinimumLevel(LogLevel.Debug)))
            .Respond(() => Answer(HttpStatusCode.OK, ("RateLimit", "\"default\";r=0;t=2")), () => Answer(HttpStatusCode.OK));
        using var waits = new MetricCollector<double>(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, "resilienthttp.retry.wait.duration");
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        FakeLogRecord paced = sut.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Single(r => r.Id.Name == "HostPaced");
        paced.Id.Id.ShouldBe(10);
        paced.Level.ShouldBe(LogLevel.Information);
        paced.StructuredState!.Single(kv => kv.Key == "DelaySource").Value.ShouldBe("rate limit");
        paced.StructuredState!.Single(kv => kv.Key == "DelayMs").Value.ShouldBe("2000");
        CollectedMeasurement<double> wait = waits.GetMeasurementSnapshot().Single();
        wait.Value.ShouldBe(2.0);
        wait.Tags["resilienthttp.wait.source"].ShouldBe("rate_limit");
    }

    [Fact]
    public async Task Send_RetryAtAQuotasReset_IsMeteredAsRateLimit()
    {
        using var sut = CreateSut().Respond(() => Answer(HttpStatusCode.TooManyRequests, ("RateLimit", "\"q\";r=0;t=3")), () => Answer(HttpStatusCode.OK));
        using var waits = new MetricCollector<double>(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, "resilienthttp.retry.wait.duration");

        using HttpResponseMessage response = await sut.GetAsync();

        CollectedMeasurement<double> wait = waits.GetMeasurementSnapshot().Single();
        wait.Value.ShouldBe(3.0);
        wait.Tags["resilienthttp.wait.source"].ShouldBe("rate_limit");
    }

    [Fact]
    public async Task Send_PausedByRetryAfter_IsStillLoggedAsRetryAfter()
    {
        using var sut = CreateSut(o => o.Retry.Enabled = false, services: s => s.AddFakeLogging().AddLogging(b => b.SetMinimumLevel(LogLevel.Debug)))
            .Respond(() => Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "2")), () => Answer(HttpStatusCode.OK));
        using (await sut.GetAsync())
        {
        }

        using HttpResponseMessage next = await sut.GetAsync();

        FakeLogRecord paced = sut.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Single(r => r.Id.Name == "HostPaced");
        paced.StructuredState!.Single(kv => kv.Key == "DelaySource").Value.ShouldBe("Retry-After");
    }

    [Fact]
    public void HoldUntil_ALaterPauseNamesItsSource_AnEarlierOneDoesNot()
    {
        var clock = new NanosecondClock();
        var host = new HostState("http://h:80", 3, clock.GetTimestamp());
        var options = new RetryOptions();

        RetryStrategy.RecordPause(AttemptOutcome.Status(429, TimeSpan.FromSeconds(5)), host, options, clock.GetTimestamp(), clock);
        RetryStrategy.RecordPause(new AttemptOutcome(OutcomeKind.Response, 200, QuotaReset: TimeSpan.FromSeconds(2)), host, options, clock.GetTimestamp(), clock);
        host.Pacing.Source.ShouldBe(WaitSource.Pacing);

        RetryStrategy.RecordPause(new AttemptOutcome(OutcomeKind.Response, 200, QuotaReset: TimeSpan.FromSeconds(9)), host, options, clock.GetTimestamp(), clock);
        host.Pacing.Source.ShouldBe(WaitSource.RateLimit);
        host.Pacing.Remaining(clock.GetTimestamp(), clock).ShouldBe(TimeSpan.FromSeconds(9));
    }
}
