using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResilientHttp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check that reports the circuits ResilientHttp keeps open.</summary>
public static class ResilientHttpHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check named <paramref name="name"/> that is Degraded while any circuit of any client is open
    /// or half-open (listing them in its data) and Healthy otherwise.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name; <c>resilienthttp</c> by default.</param>
    /// <param name="tags">Tags to filter the check by, if any.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddResilientHttpHealthCheck(this IHealthChecksBuilder builder, string name = "resilienthttp", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ResilientHttpServices.AddCore(builder.Services);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new ResilientHttpHealthCheck(sp.GetRequiredService<ResilientHttpCircuits>()),
            HealthStatus.Degraded,
            tags));
    }
}
