using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ResilientHttp;

/// <summary>The services every <c>AddResilientHandler</c> shares, and the installation of the handlers.</summary>
internal static class ResilientHttpServices
{
    /// <summary>Registers the shared services once.</summary>
    public static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ResilienceRegistry)))
        {
            return;
        }

        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(RandomSource.Shared);
        services.AddMetrics();
        services.TryAddSingleton<ResilienceMetrics>();
        services.TryAddSingleton(sp => new ResilientHttpCircuits(sp));
        services.AddSingleton<ResilienceRegistry>(sp => new ResilienceRegistry(
            sp.GetRequiredService<IOptionsFactory<ResilientHttpOptions>>(),
            sp.GetServices<IOptionsChangeTokenSource<ResilientHttpOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RandomSource>(),
            sp.GetRequiredService<ResilienceMetrics>(),
            sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
            sp.GetService<FleetStore>()));

        // Configuration binding first, so that code configuration (registered later) overrides it.
        services.AddSingleton<IConfigureOptions<ResilientHttpOptions>, ConfigureFromConfiguration>();
        services.AddSingleton<IValidateOptions<ResilientHttpOptions>, ResilientHttpOptionsValidator>();
        services.AddSingleton<IOptionsChangeTokenSource<ResilientHttpOptions>>(sp =>
            new ConfigurationChangeSource(null, sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.AddOptions<ResilientHttpOptions>(ResilientHttpOptionsValidator.StartupCheckName).ValidateOnStart();

        // D1: after every handler-builder action of a client has run, ours is its one resilience layer.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, OneResilienceLayerFilter>());
    }

    /// <summary>
    /// Puts the retry handler and, behind it, the breaker handler into a client's pipeline. A second
    /// registration for the same client (say, once through <c>ConfigureHttpClientDefaults</c> and once for
    /// the client) replaces the first instead of stacking a second pipeline that would multiply attempts.
    /// Other libraries' resilience handlers are removed afterwards, by <see cref="OneResilienceLayerFilter"/>.
    /// </summary>
    public static void Install(HttpMessageHandlerBuilder builder)
    {
        ResilienceRegistry registry = builder.Services.GetRequiredService<ResilienceRegistry>();
        ClientState client = registry.GetClient(builder.Name ?? Options.DefaultName);
        IList<DelegatingHandler> handlers = builder.AdditionalHandlers;
        for (int i = handlers.Count - 1; i >= 0; i--)
        {
            if (handlers[i] is RetryHandler or CircuitBreakerHandler)
            {
                handlers.RemoveAt(i);
            }
        }

        handlers.Add(new RetryHandler(client, registry.Random));
        handlers.Add(new CircuitBreakerHandler(client, registry.Random));
    }
}
