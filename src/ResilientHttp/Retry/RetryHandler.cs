using System.Runtime.ExceptionServices;

namespace ResilientHttp;

/// <summary>
/// R1–R10: sends a call, and sends it again when the decision core says so. A thin adapter between
/// <see cref="HttpClient"/> and <see cref="RetryStrategy"/>: it times attempts, waits, and hands back the
/// last real outcome. A first attempt that completes at once with a final answer returns without an async
/// state machine: the common case costs a host lookup, a pooled timer and a few reads.
/// </summary>
internal sealed class RetryHandler(ClientState client, RandomSource random) : DelegatingHandler
{
    private readonly TimeProvider _time = client.Time;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = RequestUris.RequireAbsolute(request);
        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the first send: nothing goes out, not even a half-open circuit's probe.
            return Task.FromCanceled<HttpResponseMessage>(cancellationToken);
        }

        ResilientHttpOptions options = client.Options;
        RetryOptions retry = options.Retry;
        long start = _time.GetTimestamp();
        HostState host = client.Hosts.Get(uri, options, start);
        CallFacts call = PrepareFacts(request, retry);
        bool needsBuffering = call.RetriesAllowed && retry.MaxAttempts > 1 && call.SafeToResend && request.Content is { } content && !RequestBody.CanReplay(content);
        if (needsBuffering || host.Pacing.Remaining(start, _time) > TimeSpan.Zero)
        {
            return SendSlowAsync(request, uri, options, host, call, start, needsBuffering, firstSend: null, firstScope: default, cancellationToken);
        }

        AttemptScope scope = AttemptScope.Begin(client.Cancellations, options.AttemptTimeout, options.TotalTimeout, cancellationToken);
        Task<HttpResponseMessage> send = Send(request, host, scope);
        if (send.IsFaulted && send.Exception.InnerException is CircuitOpenException)
        {
            // C3: refused by the open circuit, never retried: hand the refusal back as it is, without
            // rethrowing it on the way.
            scope.End();
            client.Metrics.Attempt(client.Name, host, request.Method, AttemptOutcome.Of(OutcomeKind.CircuitOpen));
            return send;
        }

        if (send.IsCompletedSuccessfully)
        {
            var outcome = AttemptOutcome.Status((int)send.Result.StatusCode);
            if (!OutcomeClassifier.IsRetriable(outcome, retry))
            {
                scope.End();
                client.Metrics.Attempt(client.Name, host, request.Method, outcome);
                Conclude(request, uri, host, attempt: 1, outcome, RetryDecisionReason.NotRetriable, options);
                return send;
            }
        }

        return SendSlowAsync(request, uri, options, host, call, start, needsBuffering: false, send, scope, cancellationToken);
    }

    private static CallFacts PrepareFacts(HttpRequestMessage request, RetryOptions retry)
    {
        bool retriesAllowed = retry.Enabled && !RequestOptionsPeek.IsSet(request, ResilientHttpRequestOptions.DisableRetries);
        if (!retriesAllowed)
        {
            return new CallFacts(RetriesAllowed: false, SafeToResend: false, BodyReplayable: true);
        }

        bool hasKey = false;
        if (!OutcomeClassifier.IsIdempotentMethod(request.Method))
        {
            hasKey = request.Headers.NonValidated.Contains(retry.IdempotencyKeyHeader);
            if (!hasKey && retry.AddIdempotencyKey && retry.MaxAttempts > 1)
            {
                // One key for the operation, reused by every attempt.
                request.Headers.TryAddWithoutValidation(retry.IdempotencyKeyHeader, Guid.NewGuid().ToString("N"));
                hasKey = true;
            }
        }

        bool declared = RequestOptionsPeek.IsSet(request, ResilientHttpRequestOptions.Idempotent);
        return new CallFacts(RetriesAllowed: true, OutcomeClassifier.IsSafeToResend(request.Method, hasKey, declared, retry.UnsafeMethods), BodyReplayable: true);
    }

    // Hands the attempt to the breaker right behind this handler and sends it; never throws.
    private Task<HttpResponseMessage> Send(HttpRequestMessage request, HostState host, in AttemptScope scope)
    {
        AttemptHandoff.Set(request, host, scope);
        try
        {
            return base.SendAsync(request, scope.Token);
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }
        finally
        {
            AttemptHandoff.Clear();
        }
    }

    private async Task<HttpResponseMessage> SendSlowAsync(
        HttpRequestMessage request,
        Uri uri,
        ResilientHttpOptions options,
        HostState host,
        CallFacts call,
        long start,
        bool needsBuffering,
        Task<HttpResponseMessage>? firstSend,
        AttemptScope firstScope,
        CancellationToken cancellationToken)
    {
        RetryOptions retry = options.Retry;
        if (needsBuffering)
        {
            bool replayable = await RequestBody.MakeReplayableAsync(request, retry.MaxBufferedBodyBytes, cancellationToken).ConfigureAwait(false);
            call = call with { BodyReplayable = replayable };
        }

        for (int attempt = 1; ; attempt++)
        {
            AttemptResult result;
            if (attempt == 1 && firstSend is not null)
            {
                result = await CompleteAsync(firstSend, firstScope, retry).ConfigureAwait(false);
            }
            else
            {
                long now = _time.GetTimestamp();
                TimeSpan? remaining = Remaining(options.TotalTimeout, start, now);
                TimeSpan pacing = RetryStrategy.PacingDelay(host.Pacing.Remaining(now, _time), retry, remaining, random.NextDouble());
                if (pacing > TimeSpan.Zero)
                {
                    Log.HostPaced(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, pacing.TotalMilliseconds);
                    client.Metrics.Wait(client.Name, host, pacing, "pacing");
                    await Task.Delay(pacing, _time, cancellationToken).ConfigureAwait(false);
                    remaining = Remaining(options.TotalTimeout, start, _time.GetTimestamp());
                }

                // A cancellation that lands just as a wait ends must not let one more attempt out.
                cancellationToken.ThrowIfCancellationRequested();
                AttemptScope scope = AttemptScope.Begin(client.Cancellations, options.AttemptTimeout, remaining, cancellationToken);
                result = await CompleteAsync(Send(request, host, scope), scope, retry).ConfigureAwait(false);
            }

            AttemptOutcome outcome = result.Outcome;
            client.Metrics.Attempt(client.Name, host, request.Method, outcome);
            // One reading of the clock for everything decided about this attempt.
            long ended = _time.GetTimestamp();
            RetryStrategy.RecordPause(outcome, host.Pacing, retry, ended, _time);

            TimeSpan blocked = options.CircuitBreaker.Enabled ? host.Circuit.BlockedFor(ended, _time) : TimeSpan.Zero;
            RetryDecision decision = RetryStrategy.Decide(outcome, attempt, call, retry, Remaining(options.TotalTimeout, start, ended), host.Budget, random.NextDouble(), blocked);
            if (!decision.ShouldRetry)
            {
                Conclude(request, uri, host, attempt, outcome, decision.Reason, options);
                return Finish(result, options);
            }

            Log.RetryScheduled(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.Kind, outcome.StatusCode, decision.Delay.TotalMilliseconds, decision.FromRetryAfter ? "Retry-After" : "backoff");
            client.Metrics.Retry(client.Name, host, request.Method, outcome, decision.Delay, decision.FromRetryAfter);
            RetryActivity.Retry(attempt, outcome, decision.Delay);

            // R7: a response that will be retried is released before the wait, not after.
            result.Response?.Dispose();
            await Task.Delay(decision.Delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<AttemptResult> CompleteAsync(Task<HttpResponseMessage> send, AttemptScope scope, RetryOptions retry)
    {
        try
        {
            HttpResponseMessage response = await send.ConfigureAwait(false);
            int status = (int)response.StatusCode;
            TimeSpan? retryAfter = retry.HonorRetryAfter && retry.RetryStatusCodes.Contains(status)
                ? RetryAfter.Read(response, _time.GetUtcNow())
                : null;
            return new AttemptResult(response, null, AttemptOutcome.Status(status, retryAfter), CutByDeadline: false);
        }
        catch (Exception ex)
        {
            OutcomeKind kind = OutcomeClassifier.ClassifyException(ex, scope.Caller.IsCancellationRequested, scope.TimedOut);
            return new AttemptResult(null, ExceptionDispatchInfo.Capture(ex), AttemptOutcome.Of(kind), scope.LimitIsDeadline);
        }
        finally
        {
            scope.End();
        }
    }

    // Budget, logs and traces once a call's outcome is final.
    private void Conclude(HttpRequestMessage request, Uri uri, HostState host, int attempt, in AttemptOutcome outcome, RetryDecisionReason reason, ResilientHttpOptions options)
    {
        if (outcome.Kind is OutcomeKind.Canceled or OutcomeKind.CircuitOpen)
        {
            return;
        }

        if (RetryStrategy.IsSuccessfulCall(outcome, options))
        {
            RetryStrategy.Settle(outcome, host.Budget, options);
            if (outcome.StatusCode >= 400)
            {
                // Why a 4xx came back at once is a question for debugging, not an alert.
                Log.CallNotRetried(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.StatusCode, reason);
            }
            else if (attempt > 1)
            {
                Log.CallRecovered(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt);
            }

            return;
        }

        Log.CallFailed(client.Logger, client.Name, request.Method.Method, host.Authority, uri.AbsolutePath, attempt, outcome.Kind, outcome.StatusCode, reason);
        RetryActivity.GiveUp(attempt, outcome, reason);
        if (reason == RetryDecisionReason.BudgetExhausted)
        {
            client.Metrics.BudgetRefusal(client.Name, host);
        }
    }

    private static HttpResponseMessage Finish(in AttemptResult result, ResilientHttpOptions options)
    {
        if (result.Response is { } response)
        {
            return response;
        }

        if (result.Outcome.Kind == OutcomeKind.Timeout)
        {
            // R8: the shape HttpClient itself gives a timeout.
            string which = result.CutByDeadline ? "TotalTimeout" : "AttemptTimeout";
            TimeSpan value = (result.CutByDeadline ? options.TotalTimeout : options.AttemptTimeout) ?? TimeSpan.Zero;
            throw new TaskCanceledException(
                $"The request was canceled due to the configured ResilientHttp {which} of {value.TotalSeconds} seconds elapsing.",
                new TimeoutException($"The operation was canceled by the ResilientHttp {which}.", result.Error!.SourceException));
        }

        result.Error!.Throw();
        return null!;
    }

    private TimeSpan? Remaining(TimeSpan? totalTimeout, long start, long now) =>
        totalTimeout is { } total ? total - _time.GetElapsedTime(start, now) : null;
}
