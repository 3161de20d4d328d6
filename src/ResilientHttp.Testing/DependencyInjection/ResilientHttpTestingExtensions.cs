using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ResilientHttp.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires <see cref="FaultScript"/> and <see cref="ResilienceDecisionRecorder"/> into a test's service collection.</summary>
public static class ResilientHttpTestingExtensions
{
    /// <summary>Makes <paramref name="script"/> the client's primary handler: its requests go to the script instead of the network.</summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="script">The script.</param>
    /// <returns>The builder, for more configuration.</returns>
    public static IHttpClientBuilder UseFaultScript(this IHttpClientBuilder builder, FaultScript script)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(script);
        return builder.ConfigurePrimaryHttpMessageHandler(() => script);
    }

    /// <summary>
    /// Records the library's decisions for assertions: adds one <see cref="ResilienceDecisionRecorder"/> (read it with
    /// <c>GetRequiredService&lt;ResilienceDecisionRecorder&gt;()</c>) as a logging provider that sees every level of
    /// the library's events, whatever the other logging filters say.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for more registrations.</returns>
    public static IServiceCollection AddResilientHttpDecisionRecorder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ResilienceDecisionRecorder>();
        services.AddLogging(logging => logging.AddFilter<ResilienceDecisionRecorder>(ResilienceDecisionRecorder.Category, LogLevel.Trace));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ResilienceDecisionRecorder>(provider => provider.GetRequiredService<ResilienceDecisionRecorder>()));
        return services;
    }
}
