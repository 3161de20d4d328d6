using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ResilientHttp;

/// <summary>
/// K1: binds a client's options from <c>ResilientHttp:Defaults</c> overlaid by
/// <c>ResilientHttp:Clients:&lt;name&gt;</c>, or from the section given for that client. Runs before any
/// code configuration. Problems are recorded on the options for the validator to report, all at once.
/// </summary>
internal sealed class ConfigureFromConfiguration(IServiceProvider services, IEnumerable<ClientConfigurationSection> sections)
    : IConfigureNamedOptions<ResilientHttpOptions>
{
    public const string RootSection = "ResilientHttp";

    public void Configure(ResilientHttpOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, ResilientHttpOptions options)
    {
        name ??= Options.DefaultName;
        ClientConfigurationSection? given = sections.LastOrDefault(s => s.ClientName == name) ?? sections.LastOrDefault(s => s.ClientName is null);
        if (given is not null)
        {
            Bind(given.Section, options);
            return;
        }

        if (services.GetService<IConfiguration>() is { } configuration)
        {
            Bind(configuration.GetSection($"{RootSection}:Defaults"), options);
            if (name.Length > 0)
            {
                Bind(configuration.GetSection($"{RootSection}:Clients:{name}"), options);
            }
        }
    }

    private static void Bind(IConfiguration section, ResilientHttpOptions options)
    {
        int before = options.ConfigurationErrors.Count;
        OptionsSchema.Check(section, options.ConfigurationErrors, options.KeyPaths);
        if (options.ConfigurationErrors.Count > before)
        {
            return;
        }

        // A list set in configuration replaces the default list instead of adding to it; an empty JSON
        // array has no value and no children, so look for the key itself.
        if (HasKey(section.GetSection("Retry"), "RetryStatusCodes"))
        {
            options.Retry.RetryStatusCodes = [];
        }

        if (HasKey(section.GetSection("CircuitBreaker"), "FailureStatusCodes"))
        {
            options.CircuitBreaker.FailureStatusCodes = [];
        }

        if (HasKey(section.GetSection("FaultInjection"), "StatusCodes"))
        {
            options.FaultInjection.StatusCodes = [];
        }

        section.GetSection("Retry").Bind(options.Retry, binder => binder.ErrorOnUnknownConfiguration = true);
        section.GetSection("CircuitBreaker").Bind(options.CircuitBreaker, binder => binder.ErrorOnUnknownConfiguration = true);
        section.GetSection("Deadline").Bind(options.Deadline, binder => binder.ErrorOnUnknownConfiguration = true);
        section.GetSection("FaultInjection").Bind(options.FaultInjection, binder => binder.ErrorOnUnknownConfiguration = true);

        // Bound key by key: a null Delay means adaptive, which the binder cannot say.
        IConfigurationSection hedging = section.GetSection("Hedging");
        options.Hedging.Enabled = hedging.GetValue("Enabled", options.Hedging.Enabled);
        options.Hedging.MaxHedgedAttempts = hedging.GetValue("MaxHedgedAttempts", options.Hedging.MaxHedgedAttempts);
        options.Hedging.Delay = ReadOptionalDuration(hedging, "Delay", options.Hedging.Delay);
        options.AttemptTimeout = ReadOptionalDuration(section, "AttemptTimeout", options.AttemptTimeout);
        options.TotalTimeout = ReadOptionalDuration(section, "TotalTimeout", options.TotalTimeout);
    }

    private static bool HasKey(IConfiguration section, string key) =>
        section.GetChildren().Any(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    // null, "", "None" and "Infinite" all mean no limit; the schema check has vetted the rest.
    private static TimeSpan? ReadOptionalDuration(IConfiguration section, string key, TimeSpan? current)
    {
        // A JSON null has no value but is still there: look for the key itself.
        IConfigurationSection? value = section.GetChildren().FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));
        if (value is null)
        {
            return current;
        }

        return OptionsSchema.MeansNone(value.Value) ? null : TimeSpan.Parse(value.Value!, CultureInfo.InvariantCulture);
    }
}
