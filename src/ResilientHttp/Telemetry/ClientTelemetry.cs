using Microsoft.Extensions.Logging;

namespace ResilientHttp;

/// <summary>
/// T1–T3: the one entry point of a client's telemetry. Every part of the pipeline reports what happened as a
/// <see cref="ResilienceEvent"/>; this turns each into its log line, its metrics and its activity event.
/// </summary>
internal sealed class ClientTelemetry(string clientName, ILogger logger, ResilienceMetrics metrics)
{
    public string ClientName => clientName;

    /// <summary>Gets whether an attempt's end is counted: only then is it worth reporting (it is the one event of every attempt).</summary>
    public bool CountsAttempts => metrics.AttemptsEnabled;

    public void Report(in ResilienceEvent e)
    {
        switch (e.Kind)
        {
            case ResilienceEventKind.AttemptEnded:
                metrics.Attempt(clientName, e.Host, e.Method!, e.Outcome);
                break;
            case ResilienceEventKind.RetryScheduled:
                Log.RetryScheduled(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Information), e.Attempt, e.Outcome.Kind, e.Outcome.StatusCode, e.Duration.TotalMilliseconds, Told(e.Source));
                metrics.Retry(clientName, e.Host, e.Method!, e.Outcome, e.Duration, MetricSource(e.Source));
                RetryActivity.Retry(e.Attempt, e.Outcome, e.Duration);
                break;
            case ResilienceEventKind.HostPaced:
                Log.HostPaced(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Information), e.Duration.TotalMilliseconds, Told(e.Source));
                metrics.Wait(clientName, e.Host, e.Duration, MetricSource(e.Source));
                break;
            case ResilienceEventKind.HedgeSent:
                Log.HedgeSent(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Debug), e.Duration.TotalMilliseconds, e.Attempt);
                metrics.Hedge(clientName, e.Host, e.Method!);
                RetryActivity.Hedge(e.Attempt, e.Duration);
                break;
            case ResilienceEventKind.FaultInjected:
                if (e.Outcome.StatusCode > 0)
                {
                    Log.FaultInjected(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Information), e.Attempt, e.Outcome.StatusCode);
                }
                else
                {
                    Log.LatencyInjected(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Information), e.Attempt, e.Duration.TotalMilliseconds);
                }

                metrics.FaultInjected(clientName, e.Host, e.Method!, e.Outcome.StatusCode);
                break;
            case ResilienceEventKind.CallEnded:
                CallEnded(e);
                break;
            case ResilienceEventKind.CallRefused:
                Log.CallRefused(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Warning), e.Duration.TotalMilliseconds);
                metrics.Rejection(clientName, e.Host);
                break;
            case ResilienceEventKind.CircuitChanged:
                CircuitChanged(e);
                break;
            case ResilienceEventKind.OptionsReloaded:
                Log.OptionsReloaded(logger, clientName);
                break;
            case ResilienceEventKind.OptionsReloadRejected:
                Log.OptionsReloadRejected(logger, clientName, e.Text!);
                break;
            case ResilienceEventKind.HandlersReplaced:
                Log.ResilienceHandlerReplaced(logger, clientName, e.Text!);
                break;
        }
    }

    private void CallEnded(in ResilienceEvent e)
    {
        switch (e.Ending)
        {
            case CallEnding.Succeeded or CallEnding.Silent:
                return;
            case CallEnding.Recovered:
                Log.CallRecovered(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Information), e.Attempt);
                return;
            case CallEnding.Answered:
                // Why a 4xx came back at once is a question for debugging, not an alert.
                Log.CallNotRetried(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Debug), e.Attempt, e.Outcome.StatusCode, e.Reason);
                return;
        }

        Log.CallFailed(logger, clientName, e.Method!.Method, e.Host.Authority, PathOf(e, LogLevel.Warning), e.Attempt, e.Outcome.Kind, e.Outcome.StatusCode, e.Reason);
        RetryActivity.GiveUp(e.Attempt, e.Outcome, e.Reason);
        if (e.Reason == RetryDecisionReason.BudgetExhausted)
        {
            metrics.BudgetRefusal(clientName, e.Host);
        }
    }

    private void CircuitChanged(in ResilienceEvent e)
    {
        metrics.Transition(clientName, e.Host, e.Transition);
        switch (e.Transition)
        {
            case CircuitTransition.Opened:
                Log.CircuitOpened(logger, clientName, e.Host.Authority, e.FailureThreshold, e.Duration.TotalMilliseconds);
                break;
            case CircuitTransition.HalfOpened:
                Log.CircuitHalfOpened(logger, clientName, e.Host.Authority);
                break;
            case CircuitTransition.Reopened:
                Log.CircuitReopened(logger, clientName, e.Host.Authority, e.Duration.TotalMilliseconds);
                break;
            case CircuitTransition.Closed:
                Log.CircuitClosed(logger, clientName, e.Host.Authority);
                break;
            case CircuitTransition.ProbeAbandoned:
                Log.CircuitProbeAbandoned(logger, clientName, e.Host.Authority);
                break;
            case CircuitTransition.ProbeOverdue:
                Log.CircuitProbeOverdue(logger, clientName, e.Host.Authority);
                break;
        }
    }

    // How a wait's source is written in the log: the header it came from, or the backoff.
    private static string Told(WaitSource source) => source switch
    {
        WaitSource.RetryAfter or WaitSource.Pacing => "Retry-After",
        WaitSource.RateLimit => "rate limit",
        _ => "backoff",
    };

    private static string MetricSource(WaitSource source) => source switch
    {
        WaitSource.RetryAfter => "retry_after",
        WaitSource.Pacing => "pacing",
        WaitSource.RateLimit => "rate_limit",
        _ => "backoff",
    };

    // The path is read only for a line that will be written: a fresh request URI parses, and allocates, to give it.
    private string PathOf(in ResilienceEvent e, LogLevel level) => logger.IsEnabled(level) ? e.Uri!.AbsolutePath : string.Empty;
}
