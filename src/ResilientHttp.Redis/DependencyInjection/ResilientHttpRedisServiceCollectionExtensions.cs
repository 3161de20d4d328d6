using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ResilientHttp;
using ResilientHttp.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Shares the retry budgets and host pauses of every ResilientHttp client across the fleet, through Redis.</summary>
public static class ResilientHttpRedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares every ResilientHttp client's retry budget and host pauses (per client name and host) with the other
    /// processes using the same Redis. Every decision still reads local state first: no call waits on Redis, and Redis
    /// slow or down never fails or delays a call (the local budget then decides alone, said once in the log).
    /// Options from the configuration section <c>ResilientHttp:Fleet</c> when an <see cref="IConfiguration"/> is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty or not a valid configuration string.</exception>
    public static IServiceCollection AddResilientHttpRedis(this IServiceCollection services, string configuration) =>
        services.AddResilientHttpRedis(configuration, static _ => { });

    /// <summary>As <see cref="AddResilientHttpRedis(IServiceCollection, string)"/>, then <paramref name="configure"/> over the configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
    /// <param name="configure">Sets the fleet's options.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty or not a valid configuration string.</exception>
    public static IServiceCollection AddResilientHttpRedis(this IServiceCollection services, string configuration, Action<FleetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            // The message of StackExchange.Redis names the bad keyword; the string itself may hold a password.
            throw new ArgumentException($"The Redis configuration string for ResilientHttp's fleet store is not valid: {ex.Message}", nameof(configuration), ex);
        }

        return Add(services, configure, parsed, connection: null);
    }

    /// <summary>
    /// As <see cref="AddResilientHttpRedis(IServiceCollection, string)"/>, over a connection the application already has
    /// (and disposes itself).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">The application's Redis connection.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddResilientHttpRedis(this IServiceCollection services, IConnectionMultiplexer connection) =>
        services.AddResilientHttpRedis(connection, static _ => { });

    /// <summary>As <see cref="AddResilientHttpRedis(IServiceCollection, IConnectionMultiplexer)"/>, then <paramref name="configure"/> over the configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">The application's Redis connection.</param>
    /// <param name="configure">Sets the fleet's options.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddResilientHttpRedis(this IServiceCollection services, IConnectionMultiplexer connection, Action<FleetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, configure, configuration: null, connection);
    }

    private static IServiceCollection Add(IServiceCollection services, Action<FleetOptions> configure, ConfigurationOptions? configuration, IConnectionMultiplexer? connection)
    {
        if (configuration is not null)
        {
            // A call never waits on Redis, so an unreachable Redis at start-up is no error: the store keeps trying, and
            // fails fast meanwhile instead of queueing commands.
            configuration.AbortOnConnectFail = false;
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
        }

        services.AddOptions<FleetOptions>()
            .Configure<IServiceProvider>((options, sp) =>
            {
                if (sp.GetService<IConfiguration>()?.GetSection(FleetOptionsValidator.Section) is { } section && section.Exists())
                {
                    section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
                }
            })
            .Configure(configure)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>());
        services.RemoveAll<FleetStore>();
        services.AddSingleton<FleetStore>(sp =>
        {
            FleetOptions options = sp.GetRequiredService<IOptions<FleetOptions>>().Value;

            // A copy per provider: providers built from one service collection (tests, WebApplicationFactory) may each
            // have a StoreTimeout of their own, and must not rewrite the timeouts of another's live connection.
            ConfigurationOptions? own = configuration?.Clone();
            if (own is not null)
            {
                own.SyncTimeout = own.AsyncTimeout = (int)Math.Ceiling(options.StoreTimeout.TotalMilliseconds);
            }

            return new RedisFleetStore(options, own, connection, sp);
        });
        return services;
    }
}
