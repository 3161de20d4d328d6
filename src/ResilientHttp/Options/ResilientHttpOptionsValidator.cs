using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ResilientHttp;

/// <summary>
/// K2: every range and cross-field rule of the options, each failure naming the full configuration path
/// of the bad key, its allowed range and the value found. At start-up, the check name validates every
/// client at once: the defaults, each <c>Clients</c> entry and each client given to <c>AddResilientHandler</c>.
/// </summary>
internal sealed class ResilientHttpOptionsValidator(IServiceProvider services) : IValidateOptions<ResilientHttpOptions>
{
    /// <summary>The options name whose validation validates every client (see <c>ValidateOnStart</c>).</summary>
    public const string StartupCheckName = "ResilientHttp (start-up check of every client)";

    public ValidateOptionsResult Validate(string? name, ResilientHttpOptions options)
    {
        List<string> failures = name == StartupCheckName ? ValidateEveryClient() : Check(name ?? Options.DefaultName, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Checks one client's options.</summary>
    public static List<string> Check(string name, ResilientHttpOptions options)
    {
        var failures = new List<string>(options.ConfigurationErrors);
        if (failures.Count > 0)
        {
            // The values were not bound: range checks would only report the defaults.
            return failures;
        }

        var check = new OptionChecker(name, options, failures);
        var missing = new List<string>();
        if (options.Retry is null)
        {
            missing.Add("Retry");
        }
        else if (options.Retry.Budget is null)
        {
            missing.Add("Retry:Budget");
        }

        if (options.CircuitBreaker is null)
        {
            missing.Add("CircuitBreaker");
        }

        if (options.Deadline is null)
        {
            missing.Add("Deadline");
        }

        if (options.Hedging is null)
        {
            missing.Add("Hedging");
        }

        if (options.FaultInjection is null)
        {
            missing.Add("FaultInjection");
        }

        foreach (string section in missing)
        {
            failures.Add($"{check.PathOf(section)} must be set.");
        }

        foreach (OptionRow row in OptionTable.Rows)
        {
            if (row.Check is { } rule && !missing.Any(section => row.Path.StartsWith(section + ":", StringComparison.Ordinal)))
            {
                rule(check, options);
            }
        }

        // The rules that span fields (MaxDelay's lower bound is BaseDelay's value, checked by its row).
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{check.PathOf("TotalTimeout")} must not be below AttemptTimeout ({options.AttemptTimeout}), was {options.TotalTimeout}.");
        }

        return failures;
    }

    private List<string> ValidateEveryClient()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { Options.DefaultName };
        IConfiguration? configuration = services.GetService<IConfiguration>();
        var failures = new List<string>();
        if (configuration is not null)
        {
            IConfigurationSection root = configuration.GetSection(ConfigureFromConfiguration.RootSection);
            foreach (IConfigurationSection child in root.GetChildren())
            {
                if (child.Key is not ("Defaults" or "Clients"))
                {
                    failures.Add($"{child.Path} is not a known setting: ResilientHttp holds Defaults and Clients.");
                }
            }

            names.UnionWith(root.GetSection("Clients").GetChildren().Select(c => c.Key));
        }

        names.UnionWith(services.GetServices<ResilientHttpClientName>().Select(c => c.Name));
        IOptionsFactory<ResilientHttpOptions> factory = services.GetRequiredService<IOptionsFactory<ResilientHttpOptions>>();
        foreach (string client in names)
        {
            try
            {
                factory.Create(client);
            }
            catch (OptionsValidationException ex)
            {
                failures.AddRange(ex.Failures.Where(f => !failures.Contains(f, StringComparer.Ordinal)));
            }
        }

        return failures;
    }
}
