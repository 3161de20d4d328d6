using System.Globalization;

namespace ResilientHttp.Simulator;

/// <summary>Number formats for the report: invariant culture, so that the output is the same everywhere.</summary>
internal static class Format
{
    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : value.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Mark(bool met) => met ? "✅" : "❌";
}
