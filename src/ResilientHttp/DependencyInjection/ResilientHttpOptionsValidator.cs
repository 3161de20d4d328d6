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

    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

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

        var check = new Checker(name, options, failures);
        check.Duration("AttemptTimeout", options.AttemptTimeout, OneMillisecond, OneDay, optional: true);
        check.Duration("TotalTimeout", options.TotalTimeout, OneMillisecond, OneDay, optional: true);
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{check.PathOf("TotalTimeout")} must not be below AttemptTimeout ({options.AttemptTimeout}), was {options.TotalTimeout}.");
        }

        if (options.Retry is not { } retry)
        {
            failures.Add($"{check.PathOf("Retry")} must be set.");
        }
        else
        {
            check.Range("Retry:MaxAttempts", retry.MaxAttempts, 1, 10);
            check.Duration("Retry:BaseDelay", retry.BaseDelay, TimeSpan.Zero, OneDay);
            check.Duration("Retry:MaxDelay", retry.MaxDelay, retry.BaseDelay, OneDay, lowerName: "BaseDelay");
            check.Range("Retry:JitterFactor", retry.JitterFactor, 0, 1);
            check.StatusCodes("Retry:RetryStatusCodes", retry.RetryStatusCodes);
            check.Duration("Retry:MaxRetryAfter", retry.MaxRetryAfter, TimeSpan.Zero, OneDay);
            check.Range("Retry:MaxBufferedBodyBytes", retry.MaxBufferedBodyBytes, 0, 2L * 1024 * 1024 * 1024);
            if (!IsHeaderName(retry.IdempotencyKeyHeader))
            {
                failures.Add($"{check.PathOf("Retry:IdempotencyKeyHeader")} must be a valid header name, was '{retry.IdempotencyKeyHeader}'.");
            }

            if (retry.Budget is not { } budget)
            {
                failures.Add($"{check.PathOf("Retry:Budget")} must be set.");
            }
            else
            {
                check.Range("Retry:Budget:Ratio", budget.Ratio, 0, 1);
                check.Range("Retry:Budget:Capacity", budget.Capacity, 1, 1000);
            }
        }

        if (options.CircuitBreaker is not { } breaker)
        {
            failures.Add($"{check.PathOf("CircuitBreaker")} must be set.");
        }
        else
        {
            check.Range("CircuitBreaker:FailureThreshold", breaker.FailureThreshold, 1, 1000);
            check.Duration("CircuitBreaker:BreakDuration", breaker.BreakDuration, OneMillisecond, OneDay);
            check.Duration("CircuitBreaker:MaxBreakDuration", breaker.MaxBreakDuration, OneMillisecond, OneDay);
            check.Range("CircuitBreaker:BreakJitterFactor", breaker.BreakJitterFactor, 0, 1);
            check.StatusCodes("CircuitBreaker:FailureStatusCodes", breaker.FailureStatusCodes);
            check.Range("CircuitBreaker:MaxTrackedHosts", breaker.MaxTrackedHosts, 1, 1_000_000);
        }

        return failures;
    }

    private static bool IsHeaderName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c > ' ' && c < 127 && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal));

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

    private sealed class Checker(string name, ResilientHttpOptions options, List<string> failures)
    {
        public string PathOf(string key) =>
            options.KeyPaths.TryGetValue(key, out string? path) ? path : $"{key} (client '{name}', set in code)";

        public void Range(string key, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                failures.Add($"{PathOf(key)} must be between {min} and {max}, was {value}.");
            }
        }

        public void Duration(string key, TimeSpan? value, TimeSpan min, TimeSpan max, bool optional = false, string? lowerName = null)
        {
            if (value is not { } v)
            {
                if (!optional)
                {
                    failures.Add($"{PathOf(key)} must be set.");
                }

                return;
            }

            if (v < min || v > max)
            {
                string lower = lowerName is null ? Format(min) : $"{lowerName} ({Format(min)})";
                failures.Add($"{PathOf(key)} must be between {lower} and {Format(max)}, was {Format(v)}.");
            }
        }

        public void StatusCodes(string key, IList<int>? codes)
        {
            if (codes is null)
            {
                failures.Add($"{PathOf(key)} must be a list of status codes.");
                return;
            }

            foreach (int code in codes.Where(c => c is < 100 or > 599))
            {
                failures.Add($"{PathOf(key)} must hold status codes between 100 and 599, was {code}.");
            }
        }

        private static string Format(TimeSpan value) => value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
    }
}
