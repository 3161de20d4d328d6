using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.AspNetCore;

/// <summary>
/// Sheds a request whose sender has given up before its endpoint runs. The sender's time, from
/// <c>Request-Timeout-Ms</c>, is counted from arrival here; the request's <see cref="HttpContext.RequestAborted"/>
/// fires when it runs out, which cuts the waits of everything behind that observes it (ASP.NET Core's rate limiter
/// returns without calling the endpoint). The endpoint is wrapped so that the moment it starts is known: a request
/// whose endpoint never started, or would start past the deadline, gets a 503 here, counted and logged.
/// </summary>
internal sealed class RequestDeadlineMiddleware(TimeProvider time, SheddingMetrics metrics, ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!RequestTimeoutHeader.TryRead(context.Request.Headers, out TimeSpan allowed))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        long arrived = time.GetTimestamp();
        if (allowed <= TimeSpan.Zero)
        {
            Shed(context, ShedReason.ExpiredOnArrival, allowed, arrived);
            return;
        }

        CancellationToken aborted = context.RequestAborted;
        using var deadline = new CancellationTokenSource(allowed, time);
        using CancellationTokenRegistration link = aborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
        var run = new EndpointRun(this, allowed, arrived);
        if (context.GetEndpoint() is { RequestDelegate: { } endpoint } found)
        {
            context.SetEndpoint(new Endpoint(c => run.StartAsync(c, endpoint), found.Metadata, found.DisplayName));
        }
        else
        {
            // Routing comes later, or there is no endpoint: the moment it starts cannot be known, so only the token is cut.
            run.Untracked = true;
        }

        context.RequestAborted = deadline.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.ShouldShed(context, deadline.Token, aborted))
        {
            // A wait behind us gave up at the deadline by throwing: the request is shed below.
        }
        finally
        {
            context.RequestAborted = aborted;
        }

        if (run.ShouldShed(context, deadline.Token, aborted))
        {
            Shed(context, ShedReason.ExpiredWaiting, allowed, arrived);
        }
    }

    private void Shed(HttpContext context, ShedReason reason, TimeSpan allowed, long arrived)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        metrics.Shed(reason);
        SheddingLog.RequestShed(logger, context.Request.Method, context.Request.Path.Value ?? "/", allowed.TotalMilliseconds, Waited(arrived).TotalMilliseconds, reason);
    }

    private TimeSpan Waited(long arrived) => time.GetElapsedTime(arrived);

    // The endpoint of one request, wrapped: knows whether it started, and refuses to start it past the deadline.
    private sealed class EndpointRun(RequestDeadlineMiddleware owner, TimeSpan allowed, long arrived)
    {
        private bool _started;
        private bool _shedAtStart;

        public bool Untracked { get; set; }

        public Task StartAsync(HttpContext context, RequestDelegate endpoint)
        {
            if (owner.Waited(arrived) >= allowed)
            {
                _shedAtStart = true;
                owner.Shed(context, ShedReason.ExpiredWaiting, allowed, arrived);
                return Task.CompletedTask;
            }

            _started = true;
            return endpoint(context);
        }

        // Shed when the sender's time, not the client's connection, ran out before the endpoint started and nothing
        // has been written yet; a request already shed at its endpoint's start is not shed twice.
        public bool ShouldShed(HttpContext context, CancellationToken deadline, CancellationToken aborted) =>
            !Untracked && !_started && !_shedAtStart && deadline.IsCancellationRequested && !aborted.IsCancellationRequested && !context.Response.HasStarted;
    }
}
