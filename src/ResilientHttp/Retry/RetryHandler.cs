using System.Runtime.ExceptionServices;

namespace ResilientHttp;

/// <summary>
/// R1–R10: sends a call, and sends it again when the decision core says so. A thin adapter between
/// <see cref="HttpClient"/> and <see cref="RetryStrategy"/>: it times attempts, waits, and hands back the
/// last real outcome.
/// </summary>
internal sealed class RetryHandler(ClientState client, RandomSource random) : DelegatingHandler
{
    private readonly TimeProvider _time = client.Time;

    internal ClientState Client => client;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = RequireAbsoluteUri(request);
        ResilientHttpOptions options = client.Options;
        RetryOptions retry = options.Retry;
        long start = _time.GetTimestamp();
        HostState host = client.Hosts.Get(uri, options);
        request.Options.Set(CallContext.Key, new CallContext(host, cancellationToken));

        CallFacts call = await PrepareAsync(request, retry, cancellationToken).ConfigureAwait(false);
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan? remaining = Remaining(options.TotalTimeout, start);
            TimeSpan pacing = RetryStrategy.PacingDelay(host.Pacing.Remaining(_time.GetTimestamp(), _time), retry, remaining, random.NextDouble());
            if (pacing > TimeSpan.Zero)
            {
                Log.HostPaced(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, pacing.TotalMilliseconds);
                client.Metrics.Wait(client.Name, host, pacing, "pacing");
                await Task.Delay(pacing, _time, cancellationToken).ConfigureAwait(false);
                remaining = Remaining(options.TotalTimeout, start);
            }

            (HttpResponseMessage? response, ExceptionDispatchInfo? error, AttemptOutcome outcome, bool cutByDeadline) =
                await SendAttemptAsync(request, options.AttemptTimeout, remaining, retry, cancellationToken).ConfigureAwait(false);

            client.Metrics.Attempt(client.Name, host, request.Method, outcome);
            if (outcome.RetryAfter is { } hold && retry.HonorRetryAfter && hold <= retry.MaxRetryAfter)
            {
                host.Pacing.HoldUntil(_time.GetTimestamp() + ToTimestampTicks(hold));
            }

            RetryDecision decision = RetryStrategy.Decide(outcome, attempt, call, retry, Remaining(options.TotalTimeout, start), host.Budget, random.NextDouble());
            if (!decision.ShouldRetry)
            {
                return Finish(request, uri, host, attempt, outcome, decision, response, error, options, cutByDeadline);
            }

            Log.RetryScheduled(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.Kind, outcome.StatusCode, decision.Delay.TotalMilliseconds, decision.FromRetryAfter ? "Retry-After" : "backoff");
            client.Metrics.Retry(client.Name, host, request.Method, outcome, decision.Delay, decision.FromRetryAfter);
            RetryActivity.Retry(attempt, outcome, decision.Delay);

            // R7: a response that will be retried is released before the wait, not after.
            response?.Dispose();
            await Task.Delay(decision.Delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Uri RequireAbsoluteUri(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri
            ? uri
            : throw new InvalidOperationException(
                $"ResilientHttp needs an absolute request URI to know which host it calls, but the request has '{request.RequestUri}'. Set HttpClient.BaseAddress or use an absolute URI.");

    private static async ValueTask<CallFacts> PrepareAsync(HttpRequestMessage request, RetryOptions retry, CancellationToken cancellationToken)
    {
        bool retriesAllowed = retry.Enabled && retry.MaxAttempts > 1 &&
            !(request.Options.TryGetValue(ResilientHttpRequestOptions.DisableRetries, out bool disabled) && disabled);
        if (!retriesAllowed)
        {
            return new CallFacts(RetriesAllowed: false, SafeToResend: false, BodyReplayable: true);
        }

        bool unsafeMethod = !OutcomeClassifier.IsIdempotentMethod(request.Method);
        bool hasKey = request.Headers.NonValidated.Contains(retry.IdempotencyKeyHeader);
        if (unsafeMethod && !hasKey && retry.AddIdempotencyKey)
        {
            // One key for the operation, reused by every attempt.
            request.Headers.TryAddWithoutValidation(retry.IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
            hasKey = true;
        }

        bool declared = request.Options.TryGetValue(ResilientHttpRequestOptions.Idempotent, out bool idempotent) && idempotent;
        bool safe = OutcomeClassifier.IsSafeToResend(request.Method, hasKey, declared, retry.UnsafeMethods);

        // An unsafe request is resent only when it never left (connection refused): its body was
        // never read, so it needs no buffering.
        bool replayable = !safe || await RequestBody.MakeReplayableAsync(request, retry.MaxBufferedBodyBytes, cancellationToken).ConfigureAwait(false);
        return new CallFacts(RetriesAllowed: true, safe, replayable);
    }

    private async Task<(HttpResponseMessage? Response, ExceptionDispatchInfo? Error, AttemptOutcome Outcome, bool CutByDeadline)> SendAttemptAsync(
        HttpRequestMessage request,
        TimeSpan? attemptTimeout,
        TimeSpan? remaining,
        RetryOptions retry,
        CancellationToken cancellationToken)
    {
        bool cutByDeadline = remaining is { } r && (attemptTimeout is null || r < attemptTimeout);
        TimeSpan? limit = cutByDeadline ? remaining : attemptTimeout;
        CancellationTokenSource? timeout = null;
        CancellationTokenRegistration link = default;
        try
        {
            CancellationToken token = cancellationToken;
            if (limit is { } l)
            {
                timeout = new CancellationTokenSource(l > TimeSpan.Zero ? l : TimeSpan.Zero, _time);
                link = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
                token = timeout.Token;
            }

            HttpResponseMessage response = await base.SendAsync(request, token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            TimeSpan? retryAfter = retry.HonorRetryAfter && retry.RetryStatusCodes.Contains(status)
                ? RetryAfter.Read(response, _time.GetUtcNow())
                : null;
            return (response, null, AttemptOutcome.Status(status, retryAfter), false);
        }
        catch (Exception ex)
        {
            OutcomeKind kind = OutcomeClassifier.ClassifyException(ex, cancellationToken.IsCancellationRequested);
            return (null, ExceptionDispatchInfo.Capture(ex), AttemptOutcome.Of(kind), cutByDeadline);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
            timeout?.Dispose();
        }
    }

    private HttpResponseMessage Finish(
        HttpRequestMessage request,
        Uri uri,
        HostState host,
        int attempt,
        in AttemptOutcome outcome,
        in RetryDecision decision,
        HttpResponseMessage? response,
        ExceptionDispatchInfo? error,
        ResilientHttpOptions options,
        bool cutByDeadline)
    {
        bool failed = OutcomeClassifier.IsRetriable(outcome, options.Retry) || outcome.Kind is OutcomeKind.CircuitOpen or OutcomeKind.OtherException;
        if (!failed && outcome.IsResponse)
        {
            // R9: successful calls refill the host's budget.
            host.Budget.Deposit(options.Retry.Budget);
            if (outcome.StatusCode >= 400)
            {
                // Why a 4xx came back at once is a question for debugging, not an alert.
                Log.CallNotRetried(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.StatusCode, decision.Reason);
            }
            else if (attempt > 1)
            {
                Log.CallRecovered(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt);
            }
        }
        else if (failed && outcome.Kind != OutcomeKind.CircuitOpen)
        {
            Log.CallFailed(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.Kind, outcome.StatusCode, decision.Reason);
            RetryActivity.GiveUp(attempt, outcome, decision.Reason);
            if (decision.Reason == RetryDecisionReason.BudgetExhausted)
            {
                client.Metrics.BudgetRefusal(client.Name, host);
            }
        }

        if (response is not null)
        {
            return response;
        }

        if (outcome.Kind == OutcomeKind.Timeout)
        {
            // R8: the shape HttpClient itself gives a timeout.
            string which = cutByDeadline ? "TotalTimeout" : "AttemptTimeout";
            TimeSpan value = (cutByDeadline ? options.TotalTimeout : options.AttemptTimeout) ?? TimeSpan.Zero;
            throw new TaskCanceledException(
                $"The request was canceled due to the configured ResilientHttp {which} of {value.TotalSeconds} seconds elapsing.",
                new TimeoutException($"The operation was canceled by the ResilientHttp {which}.", error!.SourceException));
        }

        error!.Throw();
        return null!;
    }

    private TimeSpan? Remaining(TimeSpan? totalTimeout, long start) =>
        totalTimeout is { } total ? total - _time.GetElapsedTime(start) : null;

    private long ToTimestampTicks(TimeSpan duration) =>
        (long)(duration.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
