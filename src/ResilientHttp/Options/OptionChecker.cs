namespace ResilientHttp;

/// <summary>K2: checks values against their ranges, each failure naming the key's full configuration path and the value found.</summary>
internal sealed class OptionChecker(string name, ResilientHttpOptions options, List<string> failures)
{
    public List<string> Failures => failures;

    /// <summary>Gets the full configuration path a key was read from, or says it was set in code.</summary>
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

    public void HeaderName(string key, string? value)
    {
        bool valid = !string.IsNullOrEmpty(value) && value.All(c => c > ' ' && c < 127 && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal));
        if (!valid)
        {
            failures.Add($"{PathOf(key)} must be a valid header name, was '{value}'.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}
