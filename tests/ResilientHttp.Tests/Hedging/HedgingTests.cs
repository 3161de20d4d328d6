using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ResilientHttp.Tests.Hedging;

/// <summary>
/// Hedging on the fake clock: an attempt unanswered after the delay is sent again beside it; the first answer wins
/// and the rest are cancelled and disposed; only requests R5 would resend twice at once are hedged; every hedge is
/// paid from the budget; none goes to a host whose circuit is not closed or which asked for a pause.
/// </summary>
public sealed class HedgingTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Hangs = TimeSpan.FromHours(1);

    private static TestClient Hedged(Action<ResilientHttpOptions>? configure = null) =>
        TestClient.Create(o =>
        {
            o.Hedging.Enabled = true;
            o.Hedging.Delay = Delay;
            configure?.Invoke(o);
        });

    /// <summary>The n-th send (from 1) is answered 200 "send n" after its own time on the fake clock, unless cancelled first.</summary>
    private static List<CancellationToken> AnswerAfter(TestClient sut, params TimeSpan[] after)
    {
        var tokens = new List<CancellationToken>();
        sut.Handle(async (request, ct) =>
        {
            int send;
            lock (tokens)
            {
                tokens.Add(ct);
                send = tokens.Count;
            }

            await Task.Delay(after[Math.Min(send, after.Length) - 1], sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"send {send}"), RequestMessage = request };
        });
        return tokens;
    }

    /// <summary>Answers each send with <paramref name="answer"/>, told the send's number (from 1) and its token.</summary>
    private static void EachSend(TestClient sut, Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        int sends = 0;
        sut.Handle((request, ct) => answer(Interlocked.Increment(ref sends), request, ct));
    }

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public async Task Get_UnansweredPastTheDelay_SendsAHedgeAtTheDelayAndTheFirstAnswerWins()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(30));

        using HttpResponseMessage response = await sut.GetAsync();

        (await response.Content.ReadAsStringAsync()).ShouldBe("send 2");
        sut.Sent.Count.ShouldBe(2);
        sut.Sent[1].At.ShouldBe(Delay);
        sut.Time.GetUtcNow().ShouldBe(TestClient.Start + Delay + Ms(30));
    }

    [Fact]
    public async Task Get_HedgeWins_TheHedgedAttemptIsCancelled()
    {
        using var sut = Hedged();
        List<CancellationToken> tokens = AnswerAfter(sut, Hangs, Ms(30));

        using HttpResponseMessage response = await sut.GetAsync();

        tokens[0].IsCancellationRequested.ShouldBeTrue();
        tokens[1].IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task Get_FirstAttemptWins_TheHedgeIsCancelled()
    {
        using var sut = Hedged();
        List<CancellationToken> tokens = AnswerAfter(sut, Ms(150), Hangs);

        using HttpResponseMessage response = await sut.GetAsync();

        (await response.Content.ReadAsStringAsync()).ShouldBe("send 1");
        tokens[1].IsCancellationRequested.ShouldBeTrue();
        tokens[0].IsCancellationRequested.ShouldBeFalse();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_Winner_IsNeverCancelled_WithOrWithoutAnAttemptTimeout(bool hedgeWins)
    {
        using var sut = Hedged(o => o.AttemptTimeout = null); // the sends get their round's own tokens, not a timer's
        List<CancellationToken> tokens = hedgeWins ? AnswerAfter(sut, Hangs, Ms(30)) : AnswerAfter(sut, Ms(150), Hangs);

        using HttpResponseMessage response = await sut.GetAsync();

        (await response.Content.ReadAsStringAsync()).ShouldBe(hedgeWins ? "send 2" : "send 1");
        tokens[hedgeWins ? 1 : 0].IsCancellationRequested.ShouldBeFalse();
        tokens[hedgeWins ? 0 : 1].IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public async Task Get_AHedgeThatThrows_DoesNotBeatTheHedgedAttempt()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            if (send == 2)
            {
                throw new InvalidOperationException("a handler below failed");
            }

            await Task.Delay(Ms(150), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Get_HedgedAttemptFailedFirst_ItsResponseIsDisposedWhenTheHedgeWins()
    {
        var failed = new TrackedContent();
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            await Task.Delay(send == 1 ? Ms(150) : Ms(100), sut.Time, ct).ConfigureAwait(false);
            return send == 1 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = failed } : new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        failed.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task Get_AHedgeAnswered429WithRetryAfter_PausesTheHost_EvenThoughTheOtherSendWon()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            if (send == 2)
            {
                var busy = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
                return busy;
            }

            await Task.Delay(Ms(150), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Host.PacingIfAny!.Remaining(sut.Time.GetTimestamp(), sut.Time).ShouldBeGreaterThan(TimeSpan.FromSeconds(29));
    }

    [Fact]
    public async Task Get_HedgeFollowedARedirect_TheCallersRequestShowsWhereItEnded()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, request, ct) =>
        {
            if (send == 1)
            {
                await Task.Delay(Hangs, sut.Time, ct).ConfigureAwait(false);
            }

            request.RequestUri = new Uri("http://api.test/moved"); // as SocketsHttpHandler does when it follows a redirect
            return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resource");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        response.RequestMessage.ShouldBeSameAs(request);
        request.RequestUri.ShouldBe(new Uri("http://api.test/moved"));
    }

    [Fact]
    public async Task Get_Hedge_DoesNotCopyTheTraceContextOfTheHedgedAttempt()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resource");
        request.Headers.TryAddWithoutValidation("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.Headers.TryAddWithoutValidation("X-Tenant", "blue");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent[0].Header("traceparent").ShouldNotBeNull();
        sut.Sent[1].Header("traceparent").ShouldBeNull();
        sut.Sent[1].Header("X-Tenant").ShouldBe("blue");
    }

    [Fact]
    public async Task Get_AdaptiveDelay_FollowsTheHostsAnswersThroughHedgedRounds()
    {
        using var sut = Hedged(o => o.Hedging.Delay = null);
        TimeSpan answer = Ms(10);
        sut.Handle(async (_, ct) =>
        {
            await Task.Delay(answer, sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        for (int call = 0; call < HostLatency.MinimumSamples; call++)
        {
            (await sut.GetAsync()).Dispose();
        }

        TimeSpan learnt = sut.Host.Latency.Percentile!.Value;
        answer = Ms(2);
        for (int call = 0; call < 2 * HostLatency.Window; call++)
        {
            (await sut.GetAsync()).Dispose(); // each one a hedged round now, answered before its delay
        }

        learnt.ShouldBeGreaterThanOrEqualTo(Ms(10));
        sut.Host.Latency.Percentile!.Value.ShouldBeLessThan(Ms(2.3));
    }

    [Fact]
    public async Task Get_LoserAnswersAfterLosing_ItsResponseIsDisposed()
    {
        var late = new TrackedContent();
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            if (send == 1)
            {
                // A server that ignores cancellation and answers anyway, after the hedge won.
                await Task.Delay(TimeSpan.FromSeconds(1), sut.Time, CancellationToken.None).ConfigureAwait(false);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = late };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("hedge") };
        });

        using HttpResponseMessage response = await sut.GetAsync();
        late.Disposed.ShouldBeFalse();
        sut.Time.Advance(TimeSpan.FromSeconds(1));

        await FakeTimeExtensions.UntilAsync(() => late.Disposed);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hedge");
    }

    [Fact]
    public async Task Get_HedgeWins_TheResponseNamesTheCallersRequest()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resource");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        (await response.Content.ReadAsStringAsync()).ShouldBe("send 2");
        response.RequestMessage.ShouldBeSameAs(request);
    }

    [Fact]
    public async Task Get_AnsweredWithinTheDelay_SendsNoHedge()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Ms(99));

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(1);
        sut.Host.Budget.Tokens.ShouldBe(3);
    }

    [Fact]
    public async Task Get_HedgingOff_SendsNoHedge()
    {
        using var sut = Hedged(o => o.Hedging.Enabled = false);
        AnswerAfter(sut, TimeSpan.FromSeconds(1));

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Get_RetriesDisabledForTheCall_SendsNoHedge()
    {
        using var sut = Hedged();
        AnswerAfter(sut, TimeSpan.FromSeconds(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resource");
        request.Options.Set(ResilientHttpRequestOptions.DisableRetries, true);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(5, 6)]
    public async Task Get_LongUnanswered_SendsUpToMaxHedgedAttempts_OneDelayApart(int maxHedges, int sends)
    {
        using var sut = Hedged(o => (o.Hedging.MaxHedgedAttempts, o.Retry.Budget.Capacity) = (maxHedges, 10));
        AnswerAfter(sut, TimeSpan.FromSeconds(2));

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Select(s => s.At).ShouldBe(Enumerable.Range(0, sends).Select(i => Delay * i));
        (await response.Content.ReadAsStringAsync()).ShouldBe("send 1");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Send_IdempotentMethod_IsHedged(string method)
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/r")));

        sut.Sent.Select(s => s.Method.Method).ShouldBe([method, method]);
    }

    [Theory]
    [InlineData("POST", UnsafeMethodRetry.IfIdempotencyKey, true)]
    [InlineData("POST", UnsafeMethodRetry.Always, false)]
    [InlineData("PATCH", UnsafeMethodRetry.IfIdempotencyKey, true)]
    [InlineData("PATCH", UnsafeMethodRetry.Always, true)]
    public async Task Send_UnsafeMethod_IsNeverHedged_EvenWhenItWouldBeRetried(string method, UnsafeMethodRetry policy, bool key)
    {
        using var sut = Hedged(o => o.Retry.UnsafeMethods = policy);
        AnswerAfter(sut, TimeSpan.FromSeconds(1));
        var request = new HttpRequestMessage(new HttpMethod(method), "/payments") { Content = new StringContent("{\"amount\":10}") };
        if (key)
        {
            request.Headers.Add("Idempotency-Key", "k-1");
        }

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Count.ShouldBe(1);
        sut.Time.GetUtcNow().ShouldBe(TestClient.Start.AddSeconds(1));
    }

    [Fact]
    public async Task Post_DeclaredIdempotent_IsHedgedWithTheSameBody()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        var request = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{\"q\":\"tail\"}") };
        request.Options.Set(ResilientHttpRequestOptions.Idempotent, true);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Select(s => s.Body).ShouldBe(["{\"q\":\"tail\"}", "{\"q\":\"tail\"}"]);
    }

    [Fact]
    public async Task Put_StreamBody_IsBufferedOnceAndEveryHedgeSendsAllOfIt()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        string body = new('x', 10_000);
        var request = new HttpRequestMessage(HttpMethod.Put, "/doc") { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))) };

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Select(s => s.Body).ShouldBe([body, body]);
    }

    [Fact]
    public async Task Put_BodyTooLargeToBuffer_IsSentOnceAndNotHedged()
    {
        using var sut = Hedged(o => o.Retry.MaxBufferedBodyBytes = 100);
        AnswerAfter(sut, TimeSpan.FromSeconds(1));
        var request = new HttpRequestMessage(HttpMethod.Put, "/doc") { Content = new StreamContent(new MemoryStream(new byte[1000])) };

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Get_EachHedge_TakesOneTokenFromTheBudget()
    {
        using var sut = Hedged(o => o.Retry.Budget.Capacity = 5);
        AnswerAfter(sut, Hangs, Ms(1));

        using HttpResponseMessage response = await sut.GetAsync();

        // Five tokens, one taken by the hedge, a tenth earned back by the call's success.
        sut.Host.Budget.Tokens.ShouldBe(4.1, tolerance: 1e-9);
    }

    [Fact]
    public async Task Get_BudgetExhausted_SendsNoHedge()
    {
        using var sut = Hedged();
        AnswerAfter(sut, TimeSpan.FromSeconds(1));
        while (sut.Host.Budget.TryWithdraw())
        {
        }

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(1);
        (await response.Content.ReadAsStringAsync()).ShouldBe("send 1");
    }

    [Fact]
    public async Task Get_BudgetEmptyAtTheDelay_AsksAgainTwiceAsLate_AndHedgesOnceItHasATokenAgain()
    {
        using var sut = Hedged();
        while (sut.Host.Budget.TryWithdraw())
        {
        }

        EachSend(sut, async (send, request, ct) =>
        {
            if (send == 1)
            {
                // Other calls succeed meanwhile and earn a token back, after the first hedge was refused.
                _ = Task.Delay(Ms(150), sut.Time).ContinueWith(earned => sut.Host.Budget.Deposit(1, 3), TaskScheduler.Default);
                await Task.Delay(Hangs, sut.Time, ct).ConfigureAwait(false);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"send {send}") };
        });

        using HttpResponseMessage response = await sut.GetAsync();

        (await response.Content.ReadAsStringAsync()).ShouldBe("send 2");
        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, Delay + (2 * Delay)]); // refused at 100 ms, asked again at 300 ms
    }

    [Fact]
    public async Task Get_BudgetDisabled_HedgesWithoutOne()
    {
        using var sut = Hedged(o => o.Retry.Budget.Enabled = false);
        AnswerAfter(sut, Hangs, Ms(1));
        while (sut.Host.Budget.TryWithdraw())
        {
        }

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Get_CircuitOpensWhileTheAttemptIsInFlight_SendsNoHedge()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            if (send == 1)
            {
                // Other calls fail meanwhile, enough to open the host's circuit.
                CircuitBreakerOptions breaker = sut.State.Options.CircuitBreaker;
                for (int i = 0; i < breaker.FailureThreshold; i++)
                {
                    long now = sut.Time.GetTimestamp();
                    sut.Host.Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, now, now, breaker, sut.Time, sut.Random);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Host.Circuit.State.ShouldNotBe(CircuitState.Closed);
        sut.Sent.Count.ShouldBe(1);
        sut.Host.Budget.Tokens.ShouldBe(3);
    }

    [Fact]
    public async Task Get_HalfOpenProbe_IsNotHedged()
    {
        using var sut = Hedged(o => o.CircuitBreaker.FailureThreshold = 1);
        EachSend(sut, async (send, _, ct) =>
        {
            if (send == 1)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var first = new HttpRequestMessage(HttpMethod.Get, "/resource");
        first.Options.Set(ResilientHttpRequestOptions.DisableRetries, true);
        (await sut.RunAsync(sut.Client.SendAsync(first))).Dispose();
        sut.Host.Circuit.State.ShouldBe(CircuitState.Open);
        sut.Time.Advance(TimeSpan.FromSeconds(1));

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
        sut.Host.Budget.Tokens.ShouldBe(3); // no hedge was paid for
    }

    [Fact]
    public async Task Get_HostAskedForAPauseWhileTheAttemptIsInFlight_SendsNoHedge()
    {
        using var sut = Hedged();
        sut.Handle(async (_, ct) =>
        {
            sut.Host.Pacing.HoldUntil(sut.Time.GetTimestamp() + (10 * sut.Time.TimestampFrequency));
            await Task.Delay(TimeSpan.FromSeconds(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Get_HedgedAttemptFailsFirst_TheHedgeStillWins()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            await Task.Delay(send == 1 ? Ms(150) : Ms(100), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(send == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
        sut.Time.GetUtcNow().ShouldBe(TestClient.Start + Ms(200));
    }

    [Fact]
    public async Task Get_EverySendOfTheRoundFails_IsRetriedAfterTheBackoff()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            if (send <= 2)
            {
                await Task.Delay(send == 1 ? Ms(150) : Ms(100), sut.Time, ct).ConfigureAwait(false);
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, Delay, Ms(200) + TimeSpan.FromSeconds(1)]); // 1 s: the first retry's backoff
    }

    [Fact]
    public async Task Get_AnsweredWithAFinalFailure_ThatAnswerWins()
    {
        using var sut = Hedged();
        EachSend(sut, async (send, _, ct) =>
        {
            await Task.Delay(send == 1 ? Ms(150) : Hangs, sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        });

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Get_CallerCancelsDuringTheRound_EverySendIsCancelled()
    {
        using var sut = Hedged();
        List<CancellationToken> tokens = AnswerAfter(sut, Hangs);
        using var caller = new CancellationTokenSource();
        Task<HttpResponseMessage> call = sut.Client.GetAsync("/resource", caller.Token);
        await FakeTimeExtensions.UntilAsync(() => sut.Sent.Count == 1);
        sut.Time.Advance(Delay);
        await FakeTimeExtensions.UntilAsync(() => sut.Sent.Count == 2);

        await caller.CancelAsync();

        await Catch.ExceptionAsync<TaskCanceledException>(() => call);
        tokens.ShouldAllBe(t => t.IsCancellationRequested);
        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Get_AdaptiveDelay_SendsNoHedgeUntilTheHostIsKnown_ThenHedgesAtItsObservedTail()
    {
        using var sut = Hedged(o => o.Hedging.Delay = null);
        TimeSpan answer = Ms(10);
        sut.Handle(async (request, ct) =>
        {
            await Task.Delay(answer, sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        for (int call = 0; call < HostLatency.MinimumSamples; call++)
        {
            if (call == 0)
            {
                answer = TimeSpan.FromSeconds(1); // Slow, but nothing is known of the host yet: no hedge.
            }

            (await sut.GetAsync()).Dispose();
            answer = Ms(10);
        }

        sut.Sent.Count.ShouldBe(HostLatency.MinimumSamples);
        sut.Host.Latency.Percentile.ShouldNotBeNull();
        answer = TimeSpan.FromSeconds(1);
        TimeSpan before = sut.Time.GetUtcNow() - TestClient.Start;

        (await sut.GetAsync()).Dispose();

        // Past the 95th percentile of answers that took 10 ms (one bucket, ≤ 9 % above), far before the slow answer.
        sut.Sent.Count.ShouldBe(HostLatency.MinimumSamples + 2);
        TimeSpan hedgedAfter = sut.Sent[^1].At - before;
        hedgedAfter.ShouldBeGreaterThanOrEqualTo(Ms(10));
        hedgedAfter.ShouldBeLessThanOrEqualTo(Ms(10.9));
    }

    [Fact]
    public async Task Get_FixedDelay_KeepsNoLatencies()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Ms(1));

        (await sut.GetAsync()).Dispose();

        sut.Host.Latency.Percentile.ShouldBeNull();
    }

    [Fact]
    public async Task Get_Hedged_IsCountedAndEverySendIsSeenByTheAttemptsCounter()
    {
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        using var hedges = new MetricCollector<long>(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, "resilienthttp.hedges");
        using var attempts = new MetricCollector<long>(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, "resilienthttp.attempts");

        (await sut.GetAsync()).Dispose();

        CollectedMeasurement<long> hedge = hedges.GetMeasurementSnapshot().Single();
        hedge.Tags["server.address"].ShouldBe("api.test");
        hedge.Tags["http.request.method"].ShouldBe("GET");
        hedge.Tags["resilienthttp.client.name"].ShouldBe("test");
        await FakeTimeExtensions.UntilAsync(() => attempts.GetMeasurementSnapshot().Count == 2);
        attempts.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue("http.response.status_code", out object? code) ? code : m.Tags["error.type"])
            .ShouldBe([200, "canceled"]);
    }

    [Fact]
    public async Task Get_Hedged_AddsAnEventToTheCallersActivity()
    {
        using var source = new ActivitySource("ResilientHttp.Tests.Hedging");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var sut = Hedged();
        AnswerAfter(sut, Hangs, Ms(1));
        using Activity activity = source.StartActivity("call")!;

        (await sut.GetAsync()).Dispose();

        ActivityEvent hedge = activity.Events.Single(e => e.Name == "resilienthttp.hedge");
        hedge.Tags.Single(t => t.Key == "resilienthttp.hedge").Value.ShouldBe(1);
        hedge.Tags.Single(t => t.Key == "resilienthttp.delay_ms").Value.ShouldBe(100.0);
    }

    [Fact]
    public async Task Get_Hedged_TheLoserIsNotABreakerFailure()
    {
        using var sut = Hedged(o => o.CircuitBreaker.FailureThreshold = 1);
        EachSend(sut, async (send, _, ct) =>
        {
            // Every call's first send hangs until it loses to its hedge.
            await Task.Delay(send % 2 == 1 ? Hangs : Ms(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        for (int i = 0; i < 3; i++)
        {
            (await sut.GetAsync()).Dispose();
        }

        await FakeTimeExtensions.UntilAsync(() => sut.Sent.Count == 6);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
        sut.Host.Circuit.ConsecutiveFailures.ShouldBe(0);
    }
}
