using System.Globalization;
using Microsoft.Extensions.Options;

namespace ResilientHttp.Redis;

/// <summary>K2 for the fleet: every value out of its range is named by its full configuration path, with the range.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public const string Section = "ResilientHttp:Fleet";

    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        List<string> failures = [];
        Check(failures, nameof(FleetOptions.StoreTimeout), options.StoreTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        Check(failures, nameof(FleetOptions.FlushInterval), options.FlushInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Check(failures, nameof(FleetOptions.LeaseDuration), options.LeaseDuration, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Check(failures, nameof(FleetOptions.KeyLifetime), options.KeyLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        if (options.StoreTimeout >= options.LeaseDuration)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{nameof(FleetOptions.StoreTimeout)} ({options.StoreTimeout}) must be below {Section}:{nameof(FleetOptions.LeaseDuration)} ({options.LeaseDuration}), so that a store that stopped answering is known before its leases go stale."));
        }

        if (options.LeaseSize is < 1 or > 100)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{nameof(FleetOptions.LeaseSize)} is {options.LeaseSize}; it must be 1 to 100."));
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add($"{Section}:{nameof(FleetOptions.KeyPrefix)} is empty; it must name the fleet's keys.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:{key} is {value}; it must be {min} to {max}."));
        }
    }
}
