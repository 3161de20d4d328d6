using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using ResilientHttp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ResilientHttp's retry and circuit-breaker handlers to clients made by <c>IHttpClientFactory</c>.</summary>
public static class ResilientHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds retries in front of a per-host circuit breaker to the client. Options come from
    /// <c>ResilientHttp:Defaults</c> overlaid by <c>ResilientHttp:Clients:&lt;client name&gt;</c> when an
    /// <see cref="IConfiguration"/> is registered, else the defaults.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddResilientHandler(this IHttpClientBuilder builder) =>
        AddCore(builder, configure: null, section: null);

    /// <summary>
    /// Adds retries in front of a per-host circuit breaker to the client, configured from configuration
    /// (as <see cref="AddResilientHandler(IHttpClientBuilder)"/>) and then by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Changes the options after configuration binding.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddResilientHandler(this IHttpClientBuilder builder, Action<ResilientHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure, section: null);
    }

    /// <summary>
    /// Adds retries in front of a per-host circuit breaker to the client, with options bound from
    /// <paramref name="section"/> (the schema of one client's entry), reloaded when it changes.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="section">The configuration section holding this client's options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddResilientHandler(this IHttpClientBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(builder, configure: null, section);
    }

    private static IHttpClientBuilder AddCore(IHttpClientBuilder builder, Action<ResilientHttpOptions>? configure, IConfiguration? section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        ResilientHttpServices.AddCore(services);

        // A null name is ConfigureHttpClientDefaults: it applies to every client, each with its own state.
        if (builder.Name is { } name)
        {
            services.AddSingleton(new ResilientHttpClientName(name));
        }

        if (section is not null)
        {
            services.AddSingleton(new ClientConfigurationSection(builder.Name, section));
            services.AddSingleton<IOptionsChangeTokenSource<ResilientHttpOptions>>(new ConfigurationChangeSource(builder.Name, section));
        }

        if (configure is not null)
        {
            services.Configure(builder.Name, configure);
        }

        services.Configure<HttpClientFactoryOptions>(builder.Name, options => options.HttpMessageHandlerBuilderActions.Add(ResilientHttpServices.Install));
        return builder;
    }
}
