using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>C1–C5 through the handlers: a failing host is refused without touching the network, probed once, closed again.</summary>
public sealed class CircuitBreakerHandlerTests
{
    private static TestClient CreateSut(Action<ResilientHttpOptions>? configure = null) => TestClient.Create(o =>
    {
        o.Retry.MaxAttempts = 1;
        o.CircuitBreaker.FailureThreshold = 3;
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        configure?.Invoke(o);
    });

    private static async Task FailTimes(TestClient sut, int times, string path = "/r")
    {
        for (int i = 0; i < times; i++)
        {
            using HttpResponseMessage response = await sut.RunAsync(sut.Client.GetAsync(path));
        }
    }

    [Fact]
    public async Task Send_ThresholdConsecutiveFailures_OpensAndTheNextCallIsRefusedWithoutTouchingTheNetwork()
    {
        using var sut = CreateSut().RespondStatuses(503);
        await FailTimes(sut, 3);

        CircuitOpenException ex = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());

        sut.Sent.Count.ShouldBe(3);
        ex.Authority.ShouldBe("http://api.test:80");
        ex.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
        ex.ShouldBeAssignableTo<HttpRequestException>();
    }

    [Fact]
    public async Task Send_RefusedByAnOpenCircuit_IsNotRetried()
    {
        using var sut = CreateSut(o => o.Retry.MaxAttempts = 4).RespondStatuses(503);
        sut.Host.Circuit
            .Report(CircuitPermit.Pass, BreakerVerdict.Failure, sut.Time.GetTimestamp(), sut.Time.GetTimestamp(), new CircuitBreakerOptions { FailureThreshold = 1 }, sut.Time, RandomSource.Shared);

        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());

        sut.Sent.ShouldBeEmpty();
        sut.Time.GetUtcNow().ShouldBe(TestClient.Start); // no backoff was waited
    }

    [Fact]
    public async Task Send_RetriesOfOneCall_EachCountAsAnAttemptForTheBreaker()
    {
        using var sut = CreateSut(o => (o.Retry.MaxAttempts, o.Retry.Budget.Enabled) = (4, false)).RespondStatuses(503);

        // Attempts 1–3 fail and open the circuit; a fourth would be refused, so it is not made and the
        // caller gets the real last response.
        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(3);
        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
    }

    [Fact]
    public async Task Send_ProbeFailsDuringACallsRetries_TheCallerGetsTheRealResponseNotARefusal()
    {
        using var sut = CreateSut(o => (o.Retry.MaxAttempts, o.Retry.Budget.Enabled) = (4, false)).RespondStatuses(503);
        using (await sut.GetAsync())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(30));

        // The probe fails and re-opens the circuit: retrying would only be refused.
        using HttpResponseMessage probe = await sut.GetAsync();

        probe.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(3 + 1);
    }

    [Fact]
    public async Task Send_AttemptCutOnlyByTheCallersDeadline_IsNotABreakerFailure()
    {
        using var sut = CreateSut(o => (o.AttemptTimeout, o.TotalTimeout, o.CircuitBreaker.FailureThreshold) = (null, TimeSpan.FromSeconds(2), 1));
        sut.Handle(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        await Should.ThrowAsync<TaskCanceledException>(() => sut.GetAsync());

        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public async Task Send_AfterTheBreak_OneProbeGoesOutAndItsSuccessClosesTheCircuit()
    {
        using var sut = CreateSut().RespondStatuses(503, 503, 503, 200);
        await FailTimes(sut, 3);
        sut.Time.Advance(TimeSpan.FromSeconds(30));

        using HttpResponseMessage probe = await sut.GetAsync();
        using HttpResponseMessage after = await sut.GetAsync();

        probe.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Send_ProbeAnsweredBeyondTheClientsLimits_ClosesTheCircuitAndTheCallerGetsTheError()
    {
        using var sut = CreateSut();
        int sends = 0;
        sut.Handle((_, _) => Interlocked.Increment(ref sends) <= 3
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))
            : throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "The HTTP response headers length exceeded the set limit.", null));
        await FailTimes(sut, 3);
        sut.Time.Advance(TimeSpan.FromSeconds(30));

        HttpRequestException ex = await Catch.ExceptionAsync<HttpRequestException>(() => sut.GetAsync());

        ex.HttpRequestError.ShouldBe(HttpRequestError.ConfigurationLimitExceeded);
        sends.ShouldBe(4);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed, "the host answered");
    }

    [Fact]
    public async Task Send_ProbeFails_TheCircuitReopensForTwiceTheBreak()
    {
        using var sut = CreateSut(o => o.CircuitBreaker.MaxBreakDuration = TimeSpan.FromMinutes(5)).RespondStatuses(503);
        await FailTimes(sut, 3);
        sut.Time.Advance(TimeSpan.FromSeconds(30));

        using HttpResponseMessage probe = await sut.GetAsync();
        CircuitOpenException ex = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());

        sut.Sent.Count.ShouldBe(4);
        ex.RetryAfter.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Send_ProbesFailingUntilTheHostIsBack_BreaksGrowToMaxBreakDurationThenOneSuccessResetsThem()
    {
        using var sut = CreateSut(o => o.CircuitBreaker.MaxBreakDuration = TimeSpan.FromSeconds(100));
        bool up = false;
        sut.Handle((_, _) => Task.FromResult(new HttpResponseMessage(up ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)));
        await FailTimes(sut, 3);
        var refusals = new List<TimeSpan>();
        for (int probe = 0; probe < 4; probe++)
        {
            CircuitOpenException refused = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
            refusals.Add(refused.RetryAfter);
            sut.Time.Advance(refused.RetryAfter);
            using HttpResponseMessage failed = await sut.GetAsync();
        }

        up = true;
        CircuitOpenException last = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Time.Advance(last.RetryAfter);
        using (HttpResponseMessage closing = await sut.GetAsync())
        {
            closing.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        up = false;
        await FailTimes(sut, 3);
        CircuitOpenException again = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());

        refusals.ShouldBe([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(100)]);
        last.RetryAfter.ShouldBe(TimeSpan.FromSeconds(100));
        again.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(0.0, 24)]
    [InlineData(0.999, 35.988)]
    public async Task Send_BreakJitter_TheRefusalSaysTheActualTimeToTheProbeAndNoProbeGoesEarlier(double draw, double expectedSeconds)
    {
        using var sut = CreateSut(o => o.CircuitBreaker.BreakJitterFactor = 0.2).RespondStatuses(503, 503, 503, 200);
        sut.Random.Value = draw;
        await FailTimes(sut, 3);

        CircuitOpenException ex = await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Time.Advance(ex.RetryAfter - TimeSpan.FromMilliseconds(1));
        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Time.Advance(TimeSpan.FromMilliseconds(1));
        using HttpResponseMessage probe = await sut.GetAsync();

        ex.RetryAfter.ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
        probe.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Send_StaleTimeoutsOfABlipArrivingAfterTheHostAnsweredAgain_DoNotOpenTheCircuit()
    {
        using var sut = CreateSut(o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        sut.Handle(async (request, ct) =>
        {
            if (request.RequestUri!.AbsolutePath == "/blip")
            {
                await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        Task<HttpResponseMessage>[] lost = [.. Enumerable.Range(0, 5).Select(_ => sut.Client.GetAsync("/blip"))];
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        using (HttpResponseMessage answered = await sut.GetAsync("/after"))
        {
            answered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        sut.Time.Advance(TimeSpan.FromSeconds(9));
        foreach (Task<HttpResponseMessage> call in lost)
        {
            await Should.ThrowAsync<TaskCanceledException>(() => call);
        }

        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
        using HttpResponseMessage next = await sut.GetAsync("/after");
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Send_TimeoutsOfAttemptsSentAfterTheLastSuccess_StillOpenTheCircuit()
    {
        using var sut = CreateSut(o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        sut.Handle(async (request, ct) =>
        {
            if (request.RequestUri!.AbsolutePath == "/blip")
            {
                await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using (await sut.GetAsync("/before"))
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(1));
        Task<HttpResponseMessage>[] lost = [.. Enumerable.Range(0, 3).Select(_ => sut.Client.GetAsync("/blip"))];
        sut.Time.Advance(TimeSpan.FromSeconds(10));
        foreach (Task<HttpResponseMessage> call in lost)
        {
            await Should.ThrowAsync<TaskCanceledException>(() => call);
        }

        sut.Host.Circuit.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public async Task Send_ManyCallersWhenTheBreakEnds_ExactlyOneProbeReachesTheNetwork()
    {
        using var sut = CreateSut().RespondStatuses(503);
        await FailTimes(sut, 3);
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Handle((_, _) => release.Task);

        Task<HttpResponseMessage>[] calls = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
        {
            Task<HttpResponseMessage> call = sut.Client.GetAsync("/r");
            return Task.FromResult(call);
        })));
        await FakeTimeExtensions.UntilAsync(() => calls.Count(c => c.IsCompleted) == 49);
        release.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { })));

        sut.Sent.Count.ShouldBe(4);
        calls.Count(c => c.IsCompletedSuccessfully).ShouldBe(1);
        calls.Count(c => c.Exception?.InnerException is CircuitOpenException).ShouldBe(49);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task Send_ThrottledOrBuggyCalls_NeverOpenTheCircuit(int status)
    {
        using var sut = CreateSut().RespondStatuses(status);

        await FailTimes(sut, 10);

        sut.Sent.Count.ShouldBe(10);
    }

    [Fact]
    public async Task Send_NetworkErrors_OpenTheCircuit()
    {
        using var sut = CreateSut();
        sut.Handle((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        for (int i = 0; i < 3; i++)
        {
            await Should.ThrowAsync<HttpRequestException>(() => sut.GetAsync());
        }

        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Sent.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Send_AttemptTimeouts_OpenTheCircuit()
    {
        using var sut = CreateSut(o => o.AttemptTimeout = TimeSpan.FromSeconds(1));
        sut.Handle(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        for (int i = 0; i < 3; i++)
        {
            await Should.ThrowAsync<TaskCanceledException>(() => sut.GetAsync());
        }

        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
    }

    [Fact]
    public async Task Send_CallerCancellations_NeverOpenTheCircuit()
    {
        using var sut = CreateSut();
        sut.Handle(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        for (int i = 0; i < 5; i++)
        {
            using var cts = new CancellationTokenSource();
            Task<HttpResponseMessage> call = sut.Client.GetAsync("/r", cts.Token);
            await cts.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => call);
        }

        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public async Task Send_OneHostFailing_NeverAffectsAnotherHost()
    {
        using var sut = CreateSut();
        sut.Handle((request, _) => Task.FromResult(new HttpResponseMessage(request.RequestUri!.Host == "down.test" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await FailTimes(sut, 3, "http://down.test/r");

        await Should.ThrowAsync<CircuitOpenException>(() => sut.RunAsync(sut.Client.GetAsync("http://down.test/r")));
        using HttpResponseMessage other = await sut.RunAsync(sut.Client.GetAsync("http://up.test/r"));
        using HttpResponseMessage otherPort = await sut.RunAsync(sut.Client.GetAsync("http://down.test:8080/r"));

        other.StatusCode.ShouldBe(HttpStatusCode.OK);
        otherPort.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Send_BreakerDisabled_NeverRefuses()
    {
        using var sut = CreateSut(o => o.CircuitBreaker.Enabled = false).RespondStatuses(503);

        await FailTimes(sut, 10);

        sut.Sent.Count.ShouldBe(10);
    }

    [Fact]
    public async Task Send_TwoClientNamesToTheSameHost_KeepIndependentCircuits()
    {
        using var sut = CreateSut().RespondStatuses(503);
        await FailTimes(sut, 3);
        var registry = sut.Services.GetRequiredService<ResilienceRegistry>();

        registry.GetClient("other").Hosts.Get(TestClient.BaseAddress, sut.State.Options).Circuit.State.ShouldBe(CircuitState.Closed);
        registry.GetClient(TestClient.Name).Hosts.Get(TestClient.BaseAddress, sut.State.Options).Circuit.State.ShouldBe(CircuitState.Open);
    }
}
