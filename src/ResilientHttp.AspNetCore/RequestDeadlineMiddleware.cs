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

        // When routing comes later, or there is no endpoint, the moment it starts cannot be known: only the token is cut.
        EndpointRun? run = null;
        if (context.GetEndpoint() is { RequestDelegate: { } endpoint } found)
        {
            var wrapped = new EndpointRun(this, allowed, arrived);
            context.SetEndpoint(new Endpoint(c => wrapped.StartAsync(c, endpoint), found.Metadata, found.DisplayName));
            run = wrapped;
        }

        context.RequestAborted = deadline.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run?.ShouldShed(context, deadline.Token, aborted) == true)
        {
            // A wait behind us gave up at the deadline by throwing: the request is shed below.
        }
        finally
        {
            context.RequestAborted = aborted;
        }

        if (run?.ShouldShed(context, deadline.Token, aborted) == true)
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

    // The endpoint of one request, wrapped: knows whether it was reached, and refuses to start it past the deadline.
    private sealed class EndpointRun(RequestDeadlineMiddleware owner, TimeSpan allowed, long arrived)
    {
        private bool _reached;

        public Task StartAsync(HttpContext context, RequestDelegate endpoint)
        {
            _reached = true;
            if (owner.Waited(arrived) >= allowed)
            {
                owner.Shed(context, ShedReason.ExpiredWaiting, allowed, arrived);
                return Task.CompletedTask;
            }

            return endpoint(context);
        }

        // Shed when the sender's time, not the client's connection, ran out before the endpoint was reached and nothing
        // has been written yet; a request the endpoint's start either ran or already shed is not shed here.
        public bool ShouldShed(HttpContext context, CancellationToken deadline, CancellationToken aborted) =>
            !_reached && deadline.IsCancellationRequested && !aborted.IsCancellationRequested && !context.Response.HasStarted;
    }
}
