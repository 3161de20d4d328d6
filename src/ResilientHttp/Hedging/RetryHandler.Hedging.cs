using System.Diagnostics;
using System.Net.Http.Headers;

namespace ResilientHttp;

/// <summary>
/// Hedging: one attempt of a call that may be hedged, sent as a round. When the attempt has not been answered after
/// the hedging delay, the same request goes out again beside it (each hedge paid from the host's retry budget, and
/// none while its circuit is not closed or it asked for a pause), up to <see cref="HedgingOptions.MaxHedgedAttempts"/>.
/// The first final answer wins (a response that is not retried, or the caller's cancellation); the rest are cancelled,
/// and their responses disposed, in the background. A send that fails (a 503, a timeout, an exception) decides
/// nothing while another is in flight; when every send of the round failed, the last failure is the round's result,
/// and the retry loop backs off from it as from any failed attempt.
/// </summary>
internal sealed partial class RetryHandler
{
    private async Task<AttemptResult> SendHedgedAsync(HttpRequestMessage request, RetryLoop loop, TimeSpan delay, CancellationToken caller)
    {
        ResilientHttpOptions options = loop.Options;
        int maxHedges = options.Hedging.MaxHedgedAttempts;
        bool adaptive = options.Hedging.Delay is null;
        var sent = new List<HedgedAttempt>(1 + maxHedges);
        var pending = new List<Task>(2 + maxHedges);
        using var hedgeTimer = new CancellationTokenSource();

        // Hedges are copied from a snapshot taken before anything is sent: the caller's request is not read while
        // a send below may be writing to it (a redirect, authentication, the trace headers).
        HttpRequestMessage template = CopyOf(request);
        HedgedAttempt primary = Start(request, loop, _time.GetTimestamp(), loop.Attempt, caller);
        sent.Add(primary);
        Task? nextHedge = Task.Delay(delay, _time, hedgeTimer.Token);
        TimeSpan recheck = delay;
        TimeSpan longestRecheck = delay > HedgeDelay.Cap ? delay : HedgeDelay.Cap;
        AttemptResult? failure = null;
        try
        {
            while (true)
            {
                pending.Clear();
                foreach (HedgedAttempt attempt in sent)
                {
                    if (!attempt.Done)
                    {
                        pending.Add(attempt.Send);
                    }
                }

                if (nextHedge is not null)
                {
                    pending.Add(nextHedge);
                }

                Task first = await Task.WhenAny(pending).ConfigureAwait(false);
                long now = _time.GetTimestamp();
                if (first == nextHedge)
                {
                    nextHedge = null;
                    if (caller.IsCancellationRequested)
                    {
                        continue;
                    }

                    if (loop.TryHedge(now))
                    {
                        int hedge = sent.Count;
                        sent.Add(Start(CopyOf(template), loop, now, loop.Attempt + hedge, caller));
                        HedgeSent(request, loop, hedge, _time.GetElapsedTime(primary.Context.SentAt, now));
                        recheck = delay;
                        if (hedge < maxHedges)
                        {
                            nextHedge = Task.Delay(delay, _time, hedgeTimer.Token);
                        }
                    }
                    else
                    {
                        // Refused (an empty budget, a circuit not closed, a pause), the hedge is asked for again
                        // later, each time twice as late: a burst of late answers that emptied the budget does not
                        // leave the slow attempts among them unhedged, and an attempt in flight for long wakes rarely.
                        recheck = recheck + recheck < longestRecheck ? recheck + recheck : longestRecheck;
                        nextHedge = Task.Delay(recheck, _time, hedgeTimer.Token);
                    }

                    continue;
                }

                HedgedAttempt done = sent.Find(attempt => attempt.Send == first)!;
                done.Done = true;
                AttemptResult result = Complete(done.Send, ref done.Context);
                Reported(request, done.Context, result.Outcome, now);
                bool final = IsFinal(result.Outcome, options.Retry);
                if (adaptive && result.Response is not null && (done == primary || (final && !primary.Done)))
                {
                    // The hedged attempt's own answer time; when a hedge beat it, at least as long as it ran. Only the
                    // hedged attempt's: the slow answers a hedge cut short must still count, or the delay would sink.
                    loop.Host.Latency.Record(_time.GetElapsedTime(primary.Context.SentAt, now));
                }

                if (final)
                {
                    if (result.Response is { } response && done != primary)
                    {
                        // As for the caller's own request, a redirect a hedge followed shows in the request's URI.
                        request.RequestUri = done.Request.RequestUri;
                        response.RequestMessage = request;
                    }

                    failure?.Response?.Dispose();
                    return result;
                }

                // A failure of a hedge still tells the host's pause to every later call, as any attempt's does.
                RetryStrategy.RecordPause(result.Outcome, loop.Host, options.Retry, now, _time);
                if (failure is null || result.Outcome.Kind != OutcomeKind.CircuitOpen)
                {
                    failure?.Response?.Dispose();
                    failure = result;
                }

                if (sent.TrueForAll(attempt => attempt.Done))
                {
                    return failure.Value;
                }
            }
        }
        catch
        {
            failure?.Response?.Dispose();
            throw;
        }
        finally
        {
            hedgeTimer.Cancel();
            foreach (HedgedAttempt attempt in sent)
            {
                if (attempt.Done)
                {
                    // The winner's response may still be read: its token is only unlinked from the caller's here,
                    // as an attempt's timer is unlinked once it ends. Nothing cancels it.
                    attempt.Cancellation.Dispose();
                }
                else
                {
                    // A loser, or, should the round have thrown, any send still in flight: cancelled now, and seen
                    // to its end in the background, where it is reported and disposed.
                    Cancel(attempt);
                    _ = DrainAsync(request, attempt);
                }
            }
        }
    }

    // A round is decided by an answer that is not retried (a success, a 4xx, a 500) or by the caller's cancellation.
    // An exception of one send (a hedge refused by a circuit that opened meanwhile, a handler below that threw) is
    // no answer: the sends still in flight may still give one.
    private static bool IsFinal(in AttemptOutcome outcome, RetryOptions retry) =>
        outcome.Kind == OutcomeKind.Canceled || (outcome.IsResponse && !OutcomeClassifier.IsRetriable(outcome, retry));

    private HedgedAttempt Start(HttpRequestMessage request, in RetryLoop loop, long now, int number, CancellationToken caller)
    {
        var attempt = new HedgedAttempt(request, CancellationTokenSource.CreateLinkedTokenSource(caller));
        attempt.Context = Begin(loop, now, attempt.Cancellation.Token, number);
        attempt.Send = Send(request, ref attempt.Context);
        if (!attempt.Send.IsCompleted)
        {
            attempt.Context.Timer.InFlight();
        }

        return attempt;
    }

    private static void Cancel(HedgedAttempt loser)
    {
        try
        {
            loser.Cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered below on the loser's token threw: the loser is cancelled all the same, and the
            // winner, already chosen, must still reach the caller.
        }
    }

    private async Task DrainAsync(HttpRequestMessage request, HedgedAttempt loser)
    {
        try
        {
            await ((Task)loser.Send).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            AttemptResult result = Complete(loser.Send, ref loser.Context);
            Reported(request, loser.Context, result.Outcome, _time.GetTimestamp());
            result.Response?.Dispose();
        }
        finally
        {
            loser.Cancellation.Dispose();
        }
    }

    // A hedge sends a copy: the sends of a round go out at once, and each attempt's headers are its own. The body
    // is the same replayable content (R6); the copy is never disposed, since that would dispose the caller's body.
    // The trace context's headers are left out, so that each send carries its own (an earlier attempt's would be
    // kept by the handler that injects them, and every hedge would claim the same span).
    private static HttpRequestMessage CopyOf(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = request.Content,
        };

        IReadOnlyCollection<string> traceFields = DistributedContextPropagator.Current.Fields;
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            if (!traceFields.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        IDictionary<string, object?> options = copy.Options;
        foreach (KeyValuePair<string, object?> option in request.Options)
        {
            options[option.Key] = option.Value;
        }

        return copy;
    }

    private void HedgeSent(HttpRequestMessage request, in RetryLoop loop, int hedge, TimeSpan unanswered) =>
        client.Telemetry.Report(new ResilienceEvent
        {
            Kind = ResilienceEventKind.HedgeSent,
            Host = loop.Host,
            Method = request.Method,
            Uri = request.RequestUri,
            Attempt = hedge,
            Duration = unanswered,
        });
}
