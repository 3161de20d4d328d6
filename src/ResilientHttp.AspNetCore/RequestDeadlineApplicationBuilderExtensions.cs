using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ResilientHttp.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the server side of ResilientHttp's deadlines to an ASP.NET Core pipeline.</summary>
public static class RequestDeadlineApplicationBuilderExtensions
{
    /// <summary>
    /// Sheds, with a 503, a request whose sender's time ran out before its endpoint runs: a request that arrives
    /// with <c>Request-Timeout-Ms: 0</c>, or whose <c>Request-Timeout-Ms</c> passes while it waits in the server (a
    /// rate limiter's or concurrency limiter's queue, slow middleware). For the rest of the request,
    /// <see cref="Http.HttpContext.RequestAborted"/> also fires at the sender's deadline, so that queues and endpoints
    /// that observe it stop work nobody waits for. A request without the header, or with a malformed one, passes
    /// untouched. Shed requests are counted on the <c>ResilientHttp.AspNetCore</c> meter
    /// (<c>resilienthttp.server.requests_shed</c>).
    /// </summary>
    /// <remarks>
    /// Place it after <c>UseRouting</c> (when the app calls it) and before <c>UseRateLimiter</c> and anything else
    /// requests wait in. The sender's time is counted from the moment the request reaches this middleware.
    /// </remarks>
    /// <param name="app">The application builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IApplicationBuilder UseRequestDeadline(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        IServiceProvider services = app.ApplicationServices;
        var middleware = new RequestDeadlineMiddleware(
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            new SheddingMetrics(services.GetService<IMeterFactory>()),
            services.GetService<ILoggerFactory>()?.CreateLogger(SheddingLog.Category) ?? NullLogger.Instance);
        return app.Use(next => context => middleware.InvokeAsync(context, next));
    }
}
