namespace ResilientHttp;

/// <summary>
/// C1–C4: sits right behind the retry handler and sees every attempt. Refuses a call at once, without
/// touching the network, while its host's circuit is open; lets one probe through after the break.
/// </summary>
internal sealed class CircuitBreakerHandler(ClientState client, RandomSource random) : DelegatingHandler
{
    private readonly TimeProvider _time = client.Time;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Read before anything else: the retry handler's hand-off is valid only until this method's first await.
        bool handed = AttemptHandoff.TryTake(request, out HostState host, out AttemptScope scope);
        ResilientHttpOptions options = client.Options;
        if (!options.CircuitBreaker.Enabled)
        {
            return base.SendAsync(request, cancellationToken);
        }

        if (!handed)
        {
            host = client.Hosts.Get(RequestUris.RequireAbsolute(request), options);
        }

        long sentAt = _time.GetTimestamp();
        CircuitPermit permit = host.Circuit.TryEnter(sentAt, _time, out TimeSpan retryAfter, out CircuitTransition transition);
        LogTransition(host, new CircuitReport(transition, TimeSpan.Zero), options.CircuitBreaker);
        if (permit == CircuitPermit.Refused)
        {
            Log.CallRefused(client.Logger, client.Name, request.Method.Method, host.Authority, request.RequestUri!.AbsolutePath, retryAfter.TotalMilliseconds);
            client.Metrics.Rejection(client.Name, host);
            return Task.FromException<HttpResponseMessage>(new CircuitOpenException(host.Authority, retryAfter));
        }

        Task<HttpResponseMessage> send;
        try
        {
            send = base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            Report(host, permit, sentAt, ex, handed, scope, cancellationToken);
            throw;
        }

        // The success path of an inner handler that completed at once needs no async state machine.
        if (send.IsCompletedSuccessfully)
        {
            Report(host, permit, sentAt, AttemptOutcome.Status((int)send.Result.StatusCode));
            return send;
        }

        return AwaitAndReportAsync(send, host, permit, sentAt, handed, scope, cancellationToken);
    }

    private async Task<HttpResponseMessage> AwaitAndReportAsync(Task<HttpResponseMessage> send, HostState host, CircuitPermit permit, long sentAt, bool handed, AttemptScope scope, CancellationToken token)
    {
        try
        {
            HttpResponseMessage response = await send.ConfigureAwait(false);
            Report(host, permit, sentAt, AttemptOutcome.Status((int)response.StatusCode));
            return response;
        }
        catch (Exception ex)
        {
            Report(host, permit, sentAt, ex, handed, scope, token);
            throw;
        }
    }

    private void Report(HostState host, CircuitPermit permit, long sentAt, Exception ex, bool handed, in AttemptScope scope, CancellationToken token)
    {
        // Without the retry handler's hand-off, a cancellation cannot be told from a timeout: it counts as neither.
        OutcomeKind kind = handed
            ? OutcomeClassifier.ClassifyException(ex, scope.Caller.IsCancellationRequested, scope.TimedOut)
            : OutcomeClassifier.ClassifyException(ex, callerCanceled: token.IsCancellationRequested, timedOut: false);

        // A send cut by the caller's own deadline says nothing about the host.
        if (kind == OutcomeKind.Timeout && scope.LimitIsDeadline)
        {
            kind = OutcomeKind.Canceled;
        }

        Report(host, permit, sentAt, AttemptOutcome.Of(kind));
    }

    private void Report(HostState host, CircuitPermit permit, long sentAt, AttemptOutcome outcome)
    {
        // Options are read again: a reload during a long attempt applies to its report.
        CircuitBreakerOptions options = client.Options.CircuitBreaker;
        BreakerVerdict verdict = OutcomeClassifier.ForBreaker(outcome, options);
        CircuitReport report = host.Circuit.Report(permit, verdict, sentAt, _time.GetTimestamp(), options, _time, random);
        LogTransition(host, report, options);
    }

    private void LogTransition(HostState host, CircuitReport report, CircuitBreakerOptions options)
    {
        client.Metrics.Transition(client.Name, host, report.Transition);
        switch (report.Transition)
        {
            case CircuitTransition.Opened:
                Log.CircuitOpened(client.Logger, client.Name, host.Authority, options.FailureThreshold, report.Break.TotalMilliseconds);
                break;
            case CircuitTransition.HalfOpened:
                Log.CircuitHalfOpened(client.Logger, client.Name, host.Authority);
                break;
            case CircuitTransition.Reopened:
                Log.CircuitReopened(client.Logger, client.Name, host.Authority, report.Break.TotalMilliseconds);
                break;
            case CircuitTransition.Closed:
                Log.CircuitClosed(client.Logger, client.Name, host.Authority);
                break;
            case CircuitTransition.ProbeAbandoned:
                Log.CircuitProbeAbandoned(client.Logger, client.Name, host.Authority);
                break;
            case CircuitTransition.ProbeOverdue:
                Log.CircuitProbeOverdue(client.Logger, client.Name, host.Authority);
                break;
        }
    }
}
