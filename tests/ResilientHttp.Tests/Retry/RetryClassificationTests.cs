using System.Net;
using System.Net.Sockets;
using RichardSzalay.MockHttp;

namespace ResilientHttp.Tests.Retry;

/// <summary>R2: only transient failures are retried; bugs and the caller's cancellation never are.</summary>
public sealed class RetryClassificationTests
{
    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Send_RetriableStatus_IsRetried(int status)
    {
        using var sut = TestClient.Create().RespondStatuses(status, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(422)]
    [InlineData(500)]
    [InlineData(501)]
    public async Task Send_NonRetriableStatus_IsSentOnceAndReturnedAsIs(int status)
    {
        using var sut = TestClient.Create().RespondStatuses(status, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        ((int)response.StatusCode).ShouldBe(status);
        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_500ConfiguredAsRetriable_IsRetried()
    {
        using var sut = TestClient.Create(o => o.Retry.RetryStatusCodes = [500]).RespondStatuses(500, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Send_503NotInConfiguredList_IsNotRetried()
    {
        using var sut = TestClient.Create(o => o.Retry.RetryStatusCodes = [429]).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded)]
    [InlineData(HttpRequestError.HttpProtocolError)]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    public async Task Send_NetworkError_IsRetried(HttpRequestError error)
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Mock.When("*").Respond(_ => ++calls == 1 ? throw new HttpRequestException(error, "boom") : new HttpResponseMessage(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        calls.ShouldBe(2);
    }

    [Fact]
    public async Task Send_NonHttpException_IsNotRetriedAndPropagates()
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Mock.When("*").Respond(_ => { calls++; throw new InvalidDataException("a bug below us"); });

        await Should.ThrowAsync<InvalidDataException>(() => sut.GetAsync());

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Send_CallerCancelsDuringSend_PropagatesAtOnceWithoutRetry()
    {
        using var cts = new CancellationTokenSource();
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Handle(async (_, ct) =>
        {
            calls++;
            await cts.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        await Should.ThrowAsync<OperationCanceledException>(() => sut.RunAsync(sut.Client.GetAsync("/x", cts.Token)));

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Send_CallerCancelsDuringWait_PropagatesWithoutAnotherSend()
    {
        using var cts = new CancellationTokenSource();
        using var sut = TestClient.Create().RespondStatuses(503);

        Task<HttpResponseMessage> call = sut.Client.GetAsync("/x", cts.Token);
        await FakeTimeExtensions.UntilAsync(() => sut.Sent.Count == 1); // now waiting the 1 s backoff
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => sut.RunAsync(call));
        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_CancellationFromBelowThatIsNeitherTheCallersNorATimeout_IsNotRetried()
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Handle((_, _) =>
        {
            calls++;
            throw new OperationCanceledException("a token refresh below us gave up");
        });

        await Should.ThrowAsync<OperationCanceledException>(() => sut.GetAsync());

        calls.ShouldBe(1);
    }

    [Theory]
    [InlineData(200, (int)BreakerVerdict.Success)]
    [InlineData(302, (int)BreakerVerdict.Success)]
    [InlineData(399, (int)BreakerVerdict.Success)]
    [InlineData(400, (int)BreakerVerdict.Neutral)]
    [InlineData(404, (int)BreakerVerdict.Neutral)]
    [InlineData(429, (int)BreakerVerdict.Neutral)]
    [InlineData(500, (int)BreakerVerdict.Failure)]
    [InlineData(501, (int)BreakerVerdict.Neutral)]
    [InlineData(503, (int)BreakerVerdict.Failure)]
    public void ForBreaker_Status_CountsAsTheContractSays(int status, int verdict)
    {
        OutcomeClassifier.ForBreaker(AttemptOutcome.Status(status), new CircuitBreakerOptions()).ShouldBe((BreakerVerdict)verdict);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(404, true)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void IsSuccessfulCall_FinalStatus_RefillsTheBudgetOnlyWhenTheHostDidItsJob(int status, bool successful)
    {
        RetryStrategy.IsSuccessfulCall(AttemptOutcome.Status(status), new ResilientHttpOptions()).ShouldBe(successful);
    }

    [Fact]
    public void IsSuccessfulCall_Final500_IsAFailureEvenWhenNotAConfiguredBreakerFailure()
    {
        var options = new ResilientHttpOptions { CircuitBreaker = { FailureStatusCodes = [503] } };

        RetryStrategy.IsSuccessfulCall(AttemptOutcome.Status(500), options).ShouldBeFalse();
        RetryStrategy.IsSuccessfulCall(AttemptOutcome.Status(499), options).ShouldBeTrue();
    }

    [Theory]
    [InlineData((int)OutcomeKind.Timeout)]
    [InlineData((int)OutcomeKind.NetworkError)]
    [InlineData((int)OutcomeKind.Canceled)]
    [InlineData((int)OutcomeKind.OtherException)]
    [InlineData((int)OutcomeKind.CircuitOpen)]
    public void IsSuccessfulCall_NoResponse_NeverRefillsTheBudget(int kind)
    {
        RetryStrategy.IsSuccessfulCall(AttemptOutcome.Of((OutcomeKind)kind), new ResilientHttpOptions()).ShouldBeFalse();
    }

    [Theory]
    [InlineData((int)OutcomeKind.Canceled, 0, (int)RetryDecisionReason.Canceled)]
    [InlineData((int)OutcomeKind.CircuitOpen, 0, (int)RetryDecisionReason.CircuitOpen)]
    [InlineData((int)OutcomeKind.OtherException, 0, (int)RetryDecisionReason.NotRetriable)]
    [InlineData((int)OutcomeKind.Response, 200, (int)RetryDecisionReason.NotRetriable)]
    [InlineData((int)OutcomeKind.Response, 404, (int)RetryDecisionReason.NotRetriable)]
    [InlineData((int)OutcomeKind.Response, 500, (int)RetryDecisionReason.NotRetriable)]
    public void Final_AnOutcomeNoRetryCanFollow_NamesWhy_AsDecideDoes(int kind, int status, int reason)
    {
        var outcome = new AttemptOutcome((OutcomeKind)kind, status);
        var options = new RetryOptions();

        RetryStrategy.Final(outcome, options).ShouldBe((RetryDecisionReason)reason);
        RetryStrategy.Decide(outcome, 1, new CallFacts(true, true, true), options, null, null, new FixedRandom(0.0)).Reason.ShouldBe((RetryDecisionReason)reason);
    }

    [Theory]
    [InlineData((int)OutcomeKind.Response, 503)]
    [InlineData((int)OutcomeKind.Response, 429)]
    [InlineData((int)OutcomeKind.Timeout, 0)]
    [InlineData((int)OutcomeKind.ConnectFailure, 0)]
    [InlineData((int)OutcomeKind.NetworkError, 0)]
    public void Final_ARetriableOutcome_IsLeftToTheRestOfDecide(int kind, int status)
    {
        RetryStrategy.Final(new AttemptOutcome((OutcomeKind)kind, status), new RetryOptions()).ShouldBeNull();
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(429, true)]
    [InlineData(499, true)]
    [InlineData(500, false)]
    public void IsSuccessfulAnswer_LeavesRetriabilityToTheCaller_AndCountsNoServerFailure(int status, bool successful)
    {
        // 429 is retriable, so no successful call; as an answer known final (its retries spent elsewhere) it is one.
        RetryStrategy.IsSuccessfulAnswer(AttemptOutcome.Status(status), new ResilientHttpOptions()).ShouldBe(successful);
        RetryStrategy.IsSuccessfulAnswer(AttemptOutcome.Status(status), new ResilientHttpOptions { CircuitBreaker = { FailureStatusCodes = [status] } }).ShouldBeFalse();
        RetryStrategy.IsSuccessfulAnswer(AttemptOutcome.Of(OutcomeKind.Timeout), new ResilientHttpOptions()).ShouldBeFalse();
    }

    [Fact]
    public void Decide_RetriesDisabledForTheCall_StopsWhereItWouldOtherwiseRetry()
    {
        var options = new RetryOptions();

        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, new CallFacts(true, true, true), options, null, null, new FixedRandom(0.0)).ShouldRetry.ShouldBeTrue();
        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, new CallFacts(false, true, true), options, null, null, new FixedRandom(0.0)).Reason.ShouldBe(RetryDecisionReason.RetriesDisabled);
    }

    [Fact]
    public void Decide_RetryAfterExactlyTheCap_IsStillWaitedFor()
    {
        var options = new RetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(5) };
        var call = new CallFacts(true, true, true);

        RetryDecision decision = RetryStrategy.Decide(AttemptOutcome.Status(503, TimeSpan.FromSeconds(5)), 1, call, options, null, null, new FixedRandom(0.0));

        decision.ShouldRetry.ShouldBeTrue();
        decision.Delay.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Decide_WaitEndingExactlyAtTheDeadline_IsNotStarted()
    {
        var options = new RetryOptions { JitterFactor = 0 };
        var call = new CallFacts(true, true, true);

        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, call, options, TimeSpan.FromSeconds(1), null, new FixedRandom(0.0)).Reason.ShouldBe(RetryDecisionReason.DeadlineExceeded);
        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, call, options, TimeSpan.FromSeconds(1.001), null, new FixedRandom(0.0)).ShouldRetry.ShouldBeTrue();
    }

    [Fact]
    public void Decide_CircuitOpenUntilExactlyTheRetry_LetsTheRetryGo()
    {
        var options = new RetryOptions { JitterFactor = 0 };
        var call = new CallFacts(true, true, true);

        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, call, options, null, null, new FixedRandom(0.0), circuitBlockedFor: TimeSpan.FromSeconds(1)).ShouldRetry.ShouldBeTrue();
        RetryStrategy.Decide(AttemptOutcome.Status(503), 1, call, options, null, null, new FixedRandom(0.0), circuitBlockedFor: TimeSpan.FromSeconds(1.001)).Reason.ShouldBe(RetryDecisionReason.CircuitOpen);
    }

    [Fact]
    public void ClassifyException_RefusedConnection_IsConnectFailure()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        OutcomeClassifier.ClassifyException(refused, callerCanceled: false, timedOut: false).ShouldBe(OutcomeKind.ConnectFailure);
    }

    [Fact]
    public void ClassifyException_NameResolutionFailure_IsConnectFailure()
    {
        var dns = new HttpRequestException(HttpRequestError.NameResolutionError, "no such host", null);

        OutcomeClassifier.ClassifyException(dns, callerCanceled: false, timedOut: false).ShouldBe(OutcomeKind.ConnectFailure);
    }

    [Fact]
    public void ClassifyException_NoResolverAnswered_IsConnectFailure()
    {
        var tryAgain = new HttpRequestException(HttpRequestError.ConnectionError, "Resource temporarily unavailable", new SocketException((int)SocketError.TryAgain));

        OutcomeClassifier.ClassifyException(tryAgain, callerCanceled: false, timedOut: false).ShouldBe(OutcomeKind.ConnectFailure);
    }

    [Fact]
    public void ClassifyException_ResetConnection_IsNetworkErrorNotConnectFailure()
    {
        var reset = new HttpRequestException(HttpRequestError.ResponseEnded, "reset", new IOException("x", new SocketException((int)SocketError.ConnectionReset)));

        OutcomeClassifier.ClassifyException(reset, callerCanceled: false, timedOut: false).ShouldBe(OutcomeKind.NetworkError);
    }

    [Fact]
    public void ClassifyException_Cancellation_IsTheCallersOnlyWhenTheirTokenFired()
    {
        OutcomeClassifier.ClassifyException(new TaskCanceledException(), callerCanceled: true, timedOut: true).ShouldBe(OutcomeKind.Canceled);
        OutcomeClassifier.ClassifyException(new TaskCanceledException(), callerCanceled: false, timedOut: true).ShouldBe(OutcomeKind.Timeout);
        OutcomeClassifier.ClassifyException(new TaskCanceledException(), callerCanceled: false, timedOut: false).ShouldBe(OutcomeKind.OtherException);
    }

    [Fact]
    public void ClassifyException_AnswerBeyondTheClientsLimits_IsNotRetriedAndCountsAsTheHostAnswering()
    {
        var tooLarge = new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "The HTTP response headers length exceeded the set limit.", null);

        OutcomeKind kind = OutcomeClassifier.ClassifyException(tooLarge, callerCanceled: false, timedOut: false);

        kind.ShouldBe(OutcomeKind.ClientLimitExceeded);
        OutcomeClassifier.IsRetriable(AttemptOutcome.Of(kind), new RetryOptions()).ShouldBeFalse();
        OutcomeClassifier.ForBreaker(AttemptOutcome.Of(kind), new CircuitBreakerOptions()).ShouldBe(BreakerVerdict.Neutral, "the host answered: a probe that gets this closes the circuit");
    }

    [Fact]
    public void ClassifyException_CircuitOpen_IsNeverANetworkError()
    {
        OutcomeClassifier.ClassifyException(new CircuitOpenException("http://a:80", TimeSpan.FromSeconds(1)), false, false).ShouldBe(OutcomeKind.CircuitOpen);
    }
}
