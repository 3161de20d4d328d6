using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ResilientHttp;

/// <summary>
/// K1, K2: every key one client's entry may hold (from <see cref="OptionTable"/>), and how its value is read. Used
/// to reject unknown keys by name and unreadable values by path, all of them at once, before the binder runs.
/// </summary>
internal static class OptionsSchema
{
    // Every key of one client's entry: the sections, and each option of the table (null marks a section).
    private static readonly Dictionary<string, OptionKind?> Keys = BuildKeys();

    /// <summary>Gets the list keys: a list set in configuration replaces the default list.</summary>
    public static IEnumerable<string> ListKeys => Keys.Where(k => k.Value == OptionKind.StatusCodes).Select(k => k.Key);

    /// <summary>Checks every key and value under <paramref name="section"/>, one client's entry.</summary>
    /// <param name="section">The entry.</param>
    /// <param name="errors">Where each problem is added, naming its full configuration path.</param>
    /// <param name="paths">Where each key found is recorded with its full path.</param>
    public static void Check(IConfiguration section, List<string> errors, Dictionary<string, string> paths) =>
        CheckChildren(section, prefix: string.Empty, errors, paths);

    /// <summary>Whether a value given for an optional duration means "none".</summary>
    public static bool MeansNone(string? value) =>
        string.IsNullOrWhiteSpace(value) ||
        string.Equals(value.Trim(), "Infinite", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(value.Trim(), "None", StringComparison.OrdinalIgnoreCase);

    private static void CheckChildren(IConfiguration section, string prefix, List<string> errors, Dictionary<string, string> paths)
    {
        foreach (IConfigurationSection child in section.GetChildren())
        {
            string key = prefix.Length == 0 ? child.Key : $"{prefix}:{child.Key}";
            if (!Keys.TryGetValue(key, out OptionKind? found))
            {
                errors.Add($"{child.Path} is not a known setting{Suggest(prefix, child.Key)}.");
                continue;
            }

            paths[key] = child.Path;
            if (found is not { } kind)
            {
                CheckChildren(child, key, errors, paths);
            }
            else if (kind == OptionKind.StatusCodes)
            {
                CheckList(child, errors);
            }
            else if (child.GetChildren().Any())
            {
                errors.Add($"{child.Path} must be a single value, not a section.");
            }
            else if (ReadError(kind, child.Value) is { } problem)
            {
                errors.Add($"{child.Path} {problem}, was '{child.Value}'.");
            }
        }
    }

    private static void CheckList(IConfigurationSection list, List<string> errors)
    {
        if (list.Value is { Length: > 0 } scalar)
        {
            errors.Add($"{list.Path} must be a list of status codes such as [503, 504], was '{scalar}'.");
            return;
        }

        foreach (IConfigurationSection item in list.GetChildren())
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _) ||
                !int.TryParse(item.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                errors.Add($"{item.Path} must be a status code such as 503, was '{item.Value}'.");
            }
        }
    }

    private static string? ReadError(OptionKind kind, string? value) => kind switch
    {
        OptionKind.Boolean when !bool.TryParse(value, out _) => "must be true or false",
        OptionKind.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "must be a whole number",
        OptionKind.Long when !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "must be a whole number",
        OptionKind.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => "must be a number such as 0.5",
        OptionKind.Duration when !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) => "must be a time span such as 00:00:01",
        OptionKind.OptionalDuration when !MeansNone(value) && !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) =>
            "must be a time span such as 00:00:10, or null for none",
        OptionKind.Methods when !Enum.TryParse<UnsafeMethodRetry>(value, ignoreCase: true, out UnsafeMethodRetry parsed) || !Enum.IsDefined(parsed) || int.TryParse(value, CultureInfo.InvariantCulture, out _) =>
            "must be Never, IfIdempotencyKey or Always",
        _ => null,
    };

    private static Dictionary<string, OptionKind?> BuildKeys()
    {
        var keys = new Dictionary<string, OptionKind?>(StringComparer.OrdinalIgnoreCase);
        foreach (string section in OptionTable.Sections)
        {
            keys[section] = null;
        }

        foreach (OptionRow row in OptionTable.Rows)
        {
            keys[row.Path] = row.Kind;
        }

        return keys;
    }

    private static string Suggest(string prefix, string key)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string known in Keys.Keys)
        {
            int split = known.LastIndexOf(':');
            string parent = split < 0 ? string.Empty : known[..split];
            if (!string.Equals(parent, prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string name = known[(split + 1)..];
            int distance = Distance(key.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return best is not null && bestDistance <= 3 ? $" (did you mean {best}?)" : string.Empty;
    }

    // Levenshtein distance: small inputs, only on the error path.
    private static int Distance(string a, string b)
    {
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
