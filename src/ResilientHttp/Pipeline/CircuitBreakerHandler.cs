namespace ResilientHttp;

/// <summary>
/// C1–C4: sits right behind the retry handler and gates every attempt: refuses it at once, without touching the
/// network, while its host's circuit is open, and lets one probe through after the break. The retry handler calls
/// <see cref="SendAttempt"/> with the attempt's context and reports the outcome it classified; sent to by anything
/// else, the handler looks up the host and reports by itself.
/// </summary>
internal sealed class CircuitBreakerHandler(ClientState client, RandomSource random) : DelegatingHandler
{
    private readonly TimeProvider _time = client.Time;
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _sendBelow;

    /// <summary>Gates and sends one attempt of the retry handler; never throws (a refusal is a faulted task).</summary>
    public Task<HttpResponseMessage> SendAttempt(HttpRequestMessage request, ref AttemptContext attempt)
    {
        if (attempt.Options.CircuitBreaker.Enabled)
        {
            attempt.Gated = true;
            attempt.Permit = BreakerGate.Enter(attempt.Host, attempt.SentAt, _time, out TimeSpan retryAfter, out CircuitTransition transition);
            Changed(attempt.Host, new CircuitReport(transition, TimeSpan.Zero), attempt.Options.CircuitBreaker);
            if (attempt.Permit == CircuitPermit.Refused)
            {
                client.Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.CallRefused, Host = attempt.Host, Method = request.Method, Uri = request.RequestUri, Duration = retryAfter });
                return Task.FromException<HttpResponseMessage>(new CircuitOpenException(attempt.Host.Authority, retryAfter));
            }
        }

        foreach (AttemptStrategy strategy in client.Strategies.Interceptors)
        {
            if (strategy.Intercept(request, attempt, _sendBelow ??= base.SendAsync) is { } answer)
            {
                return answer;
            }
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

    /// <summary>Tells the host's circuit how an attempt it gated ended, at <paramref name="now"/>.</summary>
    public void Report(in AttemptContext attempt, in AttemptOutcome outcome, long now)
    {
        if (!attempt.Gated || attempt.Permit == CircuitPermit.Refused)
        {
            return;
        }

        CircuitBreakerOptions options = attempt.Options.CircuitBreaker;
        CircuitReport report = BreakerGate.Report(attempt.Host, attempt.Permit, outcome, attempt.Timer.LimitIsDeadline, attempt.SentAt, now, options, _time, random);
        Changed(attempt.Host, report, options);
    }

    /// <summary>Used on its own (with no retry handler in front): gates, sends and reports by itself.</summary>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ResilientHttpOptions options = client.Options;
        HostState host = client.Hosts.Get(RequestUris.RequireAbsolute(request), options);
        var attempt = new AttemptContext(host, options, AttemptTimer.Begin(client.Deadlines, null, null, cancellationToken, 0), attempt: 1, _time.GetTimestamp());
        Task<HttpResponseMessage> send = SendAttempt(request, ref attempt);
        return attempt.Permit == CircuitPermit.Refused && attempt.Gated ? send : AwaitAndReportAsync(send, attempt, cancellationToken);
    }

    private async Task<HttpResponseMessage> AwaitAndReportAsync(Task<HttpResponseMessage> send, AttemptContext attempt, CancellationToken token)
    {
        try
        {
            HttpResponseMessage response = await send.ConfigureAwait(false);
            Report(attempt, AttemptOutcome.Status((int)response.StatusCode), _time.GetTimestamp());
            return response;
        }
        catch (Exception ex)
        {
            // Without the retry handler's timer, a cancellation cannot be told from a timeout: it counts as neither.
            Report(attempt, AttemptOutcome.Of(OutcomeClassifier.ClassifyException(ex, callerCanceled: token.IsCancellationRequested, timedOut: false)), _time.GetTimestamp());
            throw;
        }
    }

    private void Changed(HostState host, in CircuitReport report, CircuitBreakerOptions options)
    {
        if (report.Transition != CircuitTransition.None)
        {
            client.Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.CircuitChanged, Host = host, Transition = report.Transition, Duration = report.Break, FailureThreshold = options.FailureThreshold });
        }
    }
}
