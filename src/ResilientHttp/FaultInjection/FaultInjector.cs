namespace ResilientHttp;

/// <summary>
/// Fault injection, below the breaker: with <see cref="FaultInjectionOptions.Enabled"/>, answers a share of attempts
/// with a failing status instead of sending them, and holds a share for <see cref="FaultInjectionOptions.Latency"/>
/// before sending them. One random draw per attempt while it is on; nothing at all while it is off.
/// </summary>
internal sealed class FaultInjector(TimeProvider time, RandomSource random, ClientTelemetry telemetry) : AttemptStrategy
{
    public override Task<HttpResponseMessage>? Intercept(HttpRequestMessage request, in AttemptContext attempt, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
    {
        FaultInjectionOptions options = attempt.Options.FaultInjection;
        if (!options.Enabled)
        {
            return null;
        }

        double draw = random.NextDouble();
        if (draw < options.FaultRate && options.StatusCodes.Count > 0)
        {
            // The same draw picks the status: below FaultRate it is uniform over the list.
            int status = options.StatusCodes[Math.Min(options.StatusCodes.Count - 1, (int)(draw / options.FaultRate * options.StatusCodes.Count))];
            Injected(request, attempt, status, TimeSpan.Zero);
            return Task.FromResult(new HttpResponseMessage((System.Net.HttpStatusCode)status)
            {
                RequestMessage = request,
                ReasonPhrase = "Injected fault (ResilientHttp FaultInjection)",
            });
        }

        if (draw < options.FaultRate + options.LatencyRate && options.Latency > TimeSpan.Zero)
        {
            Injected(request, attempt, 0, options.Latency);
            return DelayedAsync(request, options.Latency, attempt.Timer.Token, send);
        }

        return null;
    }

    private async Task<HttpResponseMessage> DelayedAsync(HttpRequestMessage request, TimeSpan latency, CancellationToken token, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
    {
        await Task.Delay(latency, time, token).ConfigureAwait(false);
        return await send(request, token).ConfigureAwait(false);
    }

    private void Injected(HttpRequestMessage request, in AttemptContext attempt, int status, TimeSpan latency) =>
        telemetry.Report(new ResilienceEvent
        {
            Kind = ResilienceEventKind.FaultInjected,
            Host = attempt.Host,
            Method = request.Method,
            Uri = request.RequestUri,
            Attempt = attempt.Attempt,
            Outcome = AttemptOutcome.Status(status),
            Duration = latency,
        });
}
