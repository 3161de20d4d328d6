using System.Runtime.ExceptionServices;

namespace ResilientHttp;

/// <summary>
/// R1–R10: the await loop around <see cref="RetryLoop"/>. It sends each attempt through the breaker right behind
/// it with the attempt's context, classifies how the attempt ended (once), tells the breaker and the loop, and
/// waits when the loop says so. A first attempt that completes at once with a final answer returns without an
/// async state machine, a timer or a registration. A call that may be hedged sends each attempt as a hedged round
/// (<c>RetryHandler.Hedging.cs</c>).
/// </summary>
internal sealed partial class RetryHandler(ClientState client, RandomSource random) : DelegatingHandler
{
    private readonly TimeProvider _time = client.Time;
    private CircuitBreakerHandler? _breaker;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = RequestUris.RequireAbsolute(request);
        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the first send: nothing goes out, not even a half-open circuit's probe.
            return Task.FromCanceled<HttpResponseMessage>(cancellationToken);
        }

        // The options generation of this call: a reload applies to the next call, not halfway through this one.
        ResilientHttpOptions options = client.Options;
        long start = _time.GetTimestamp();
        CallFacts facts = PrepareFacts(request, options);

        // A hedged call learns its host's answer times from its first attempt on: its host is tracked at once.
        HostState host = facts.Hedgeable ? client.Hosts.Get(uri, options, start) : client.Hosts.GetForCall(uri, options, start);
        var loop = new RetryLoop(options, host, facts, start, _time, random);
        bool needsBuffering = facts.RetriesAllowed && (options.Retry.MaxAttempts > 1 || facts.Hedgeable) && facts.SafeToResend && request.Content is { } content && !RequestBody.CanReplay(content);
        if (needsBuffering || facts.Hedgeable)
        {
            return RunAsync(request, loop, first: default, firstSend: null, needsBuffering, cancellationToken);
        }

        LoopStep step = loop.BeforeSend(start);
        if (step.Action != LoopAction.Send)
        {
            return RunAsync(request, loop, first: default, firstSend: null, needsBuffering: false, cancellationToken, step);
        }

        AttemptContext attempt = Begin(loop, start, cancellationToken);
        Task<HttpResponseMessage> send = Send(request, ref attempt);
        if (!send.IsCompleted)
        {
            attempt.Timer.InFlight();
            return RunAsync(request, loop, attempt, send, needsBuffering: false, cancellationToken);
        }

        if (send.IsCompletedSuccessfully || (attempt.Gated && attempt.Permit == CircuitPermit.Refused))
        {
            // The common call, or C3's refusal: handed back as it is, without a rethrow on the way. It completed
            // as it was sent, so the time it went out is the time it ended: no second reading of the clock.
            AttemptResult result = Complete(send, ref attempt);
            step = Conclude(request, ref loop, ref attempt, result, attempt.SentAt);
            if (step.Action == LoopAction.Stop && (result.Response is not null || result.Outcome.Kind == OutcomeKind.CircuitOpen))
            {
                return send;
            }

            return RunAsync(request, loop, attempt, send: null, result, step, cancellationToken);
        }

        return RunAsync(request, loop, attempt, send, needsBuffering: false, cancellationToken);
    }

    private static CallFacts PrepareFacts(HttpRequestMessage request, ResilientHttpOptions options)
    {
        RetryOptions retry = options.Retry;
        bool retriesAllowed = retry.Enabled && !RequestOptionsPeek.IsSet(request, ResilientHttpRequestOptions.DisableRetries);
        if (!retriesAllowed)
        {
            return new CallFacts(RetriesAllowed: false, SafeToResend: false, BodyReplayable: true);
        }

        bool hasKey = false;
        bool idempotent = OutcomeClassifier.IsIdempotentMethod(request.Method);
        if (!idempotent)
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
        return new CallFacts(
            RetriesAllowed: true,
            OutcomeClassifier.IsSafeToResend(request.Method, hasKey, declared, retry.UnsafeMethods),
            BodyReplayable: true,
            Hedgeable: options.Hedging.Enabled && (idempotent || declared));
    }

    // The first attempt's send was started in SendAsync and is still in flight (or failed at once).
    private Task<HttpResponseMessage> RunAsync(HttpRequestMessage request, RetryLoop loop, AttemptContext first, Task<HttpResponseMessage>? firstSend, bool needsBuffering, CancellationToken cancellationToken, LoopStep? step = null) =>
        RunAsync(request, loop, first, firstSend, result: default, step, cancellationToken, needsBuffering);

    private async Task<HttpResponseMessage> RunAsync(
        HttpRequestMessage request,
        RetryLoop loop,
        AttemptContext attempt,
        Task<HttpResponseMessage>? send,
        AttemptResult result,
        LoopStep? step,
        CancellationToken cancellationToken,
        bool needsBuffering = false)
    {
        if (needsBuffering)
        {
            loop.BodyReplayable(await RequestBody.MakeReplayableAsync(request, loop.Options.Retry.MaxBufferedBodyBytes, cancellationToken).ConfigureAwait(false));
        }

        if (send is not null)
        {
            result = await CompleteAsync(send, attempt).ConfigureAwait(false);
            step = Conclude(request, ref loop, ref attempt, result);
        }

        LoopStep next = step ?? loop.BeforeSend(_time.GetTimestamp());
        while (true)
        {
            switch (next.Action)
            {
                case LoopAction.Stop:
                    return Finish(result, loop.Options);
                case LoopAction.Ask:
                    // The attempt's response stays in hand: the call may yet end with it (and a caller who cancels meanwhile
                    // gets it released, as a wait would have).
                    try
                    {
                        await loop.Host.Fleet!.AnswerAsync(next.Delay, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        result.Response?.Dispose();
                        throw;
                    }

                    next = Next(request, ref loop, result, _time.GetTimestamp());
                    break;
                case LoopAction.Wait:
                    Waiting(request, loop, next, result.Outcome);

                    // R7: a response that will be retried is released before the wait, not after.
                    result.Response?.Dispose();
                    await Task.Delay(next.Delay, _time, cancellationToken).ConfigureAwait(false);
                    next = loop.BeforeSend(_time.GetTimestamp());
                    break;
                default:
                    // A cancellation that lands just as a wait ends must not let one more attempt out.
                    cancellationToken.ThrowIfCancellationRequested();
                    if (loop.Hedgeable && HedgeDelay.For(loop.Options.Hedging, loop.Host) is { } hedgeAfter)
                    {
                        result = await SendHedgedAsync(request, loop, hedgeAfter, cancellationToken).ConfigureAwait(false);
                        next = Next(request, ref loop, result, _time.GetTimestamp());
                        break;
                    }

                    attempt = Begin(loop, _time.GetTimestamp(), cancellationToken);
                    Task<HttpResponseMessage> attemptSend = Send(request, ref attempt);
                    if (!attemptSend.IsCompleted)
                    {
                        attempt.Timer.InFlight();
                    }

                    result = await CompleteAsync(attemptSend, attempt).ConfigureAwait(false);
                    next = Conclude(request, ref loop, ref attempt, result);
                    break;
            }
        }
    }

    private AttemptContext Begin(in RetryLoop loop, long now, CancellationToken caller, int? number = null)
    {
        ResilientHttpOptions options = loop.Options;
        return new AttemptContext(loop.Host, options, AttemptTimer.Begin(client.Deadlines, options.AttemptTimeout, loop.Remaining(now), caller, now), number ?? loop.Attempt, now);
    }

    // Sends one attempt through the breaker right behind (or whatever is there); never throws.
    private Task<HttpResponseMessage> Send(HttpRequestMessage request, ref AttemptContext attempt)
    {
        foreach (AttemptStrategy strategy in client.Strategies.Senders)
        {
            strategy.OnSending(request, attempt);
        }

        if ((_breaker ??= InnerHandler as CircuitBreakerHandler) is { } breaker)
        {
            return breaker.SendAttempt(request, ref attempt);
        }

        try
        {
            return base.SendAsync(request, attempt.Timer.Token);
        }
        catch (Exception ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }
    }

    private async ValueTask<AttemptResult> CompleteAsync(Task<HttpResponseMessage> send, AttemptContext attempt)
    {
        try
        {
            await ((Task)send).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Complete(send, ref attempt);
        }
        finally
        {
            attempt.Timer.End();
        }
    }

    // Classifies a completed attempt, once, for the breaker, the loop and the telemetry alike.
    private AttemptResult Complete(Task<HttpResponseMessage> send, ref AttemptContext attempt)
    {
        AttemptResult result;
        if (send.IsCompletedSuccessfully)
        {
            HttpResponseMessage response = send.Result;
            var outcome = AttemptOutcome.Status((int)response.StatusCode);
            foreach (AttemptStrategy strategy in client.Strategies.Readers)
            {
                strategy.OnAnswered(response, ref outcome, attempt);
            }

            result = new AttemptResult(response, null, outcome, CutByDeadline: false);
        }
        else
        {
            Exception ex = ExceptionOf(send);
            OutcomeKind kind = OutcomeClassifier.ClassifyException(ex, attempt.Timer.Caller.IsCancellationRequested, attempt.Timer.TimedOut);
            result = new AttemptResult(null, ExceptionDispatchInfo.Capture(ex), AttemptOutcome.Of(kind), attempt.Timer.LimitIsDeadline);
        }

        attempt.Timer.End();
        return result;
    }

    // The very exception the send ended with: a cancelled task keeps its own only for whoever awaits it.
    private static Exception ExceptionOf(Task<HttpResponseMessage> failed)
    {
        try
        {
            failed.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            return ex;
        }

        return new InvalidOperationException("The attempt ended without an exception.");
    }

    // Everything that follows an attempt: the breaker's report, the attempt's metric, the loop's next step.
    private LoopStep Conclude(HttpRequestMessage request, ref RetryLoop loop, ref AttemptContext attempt, in AttemptResult result, long? ended = null)
    {
        // One reading of the clock for everything decided about this attempt.
        long now = ended ?? _time.GetTimestamp();
        if (loop.Host.Provisional && client.Hosts.Settle(loop.Host, result.Outcome, loop.Options, now) is { } tracked)
        {
            // C6: a full table's newcomer goes on with its tracked state, before the breaker or the loop records anything.
            attempt.Host = tracked;
            loop.Track(tracked);
        }

        Reported(request, attempt, result.Outcome, now);
        if (loop.Hedgeable && result.Response is not null && loop.Options.Hedging.Delay is null)
        {
            // An adaptive hedge learns the host's answer times from every attempt, hedged or not.
            loop.Host.Latency.Record(_time.GetElapsedTime(attempt.SentAt, now));
        }

        return Next(request, ref loop, result, now);
    }

    // What every send is seen by, hedges and the hedged alike: the breaker and the attempts counter.
    private void Reported(HttpRequestMessage request, in AttemptContext attempt, in AttemptOutcome outcome, long now)
    {
        _breaker?.Report(attempt, outcome, now);
        if (client.Telemetry.CountsAttempts)
        {
            client.Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.AttemptEnded, Host = attempt.Host, Method = request.Method, Outcome = outcome });
        }
    }

    // The loop's next step after the attempt (or hedged round) whose result is the call's latest.
    private LoopStep Next(HttpRequestMessage request, ref RetryLoop loop, in AttemptResult result, long now)
    {
        LoopStep step = loop.Completed(result.Outcome, now);

        // A first attempt answered well has nothing to tell.
        if (step.Action == LoopAction.Stop && step.Ending != CallEnding.Succeeded)
        {
            client.Telemetry.Report(new ResilienceEvent
            {
                Kind = ResilienceEventKind.CallEnded,
                Host = loop.Host,
                Method = request.Method,
                Uri = request.RequestUri,
                Attempt = loop.Attempt,
                Outcome = result.Outcome,
                Reason = step.Reason,
                Ending = step.Ending,
            });
        }

        return step;
    }

    private void Waiting(HttpRequestMessage request, in RetryLoop loop, in LoopStep step, in AttemptOutcome last) =>
        client.Telemetry.Report(new ResilienceEvent
        {
            Kind = step.IsRetry ? ResilienceEventKind.RetryScheduled : ResilienceEventKind.HostPaced,
            Host = loop.Host,
            Method = request.Method,
            Uri = request.RequestUri,
            Attempt = loop.Attempt,
            Outcome = last,
            Duration = step.Delay,
            Source = step.Source,
        });

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
}
