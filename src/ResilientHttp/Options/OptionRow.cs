namespace ResilientHttp;

/// <summary>One option, described once: its path, how it is written, its default and its range.</summary>
/// <param name="Path">The key inside one client's entry, such as <c>Retry:MaxAttempts</c>.</param>
/// <param name="Kind">How its value is written in configuration.</param>
/// <param name="Default">The default, as a value of the option's own type (a list for status codes).</param>
/// <param name="DefaultText">The default as the README's options table states it.</param>
/// <param name="RangeText">The allowed range as the README's options table states it; empty when any value is allowed.</param>
/// <param name="Read">Reads the option's value from a set of options.</param>
/// <param name="Check">Adds an error for a value outside the range, naming the key (K2); <see langword="null"/> when any value is allowed.</param>
internal sealed record OptionRow(
    string Path,
    OptionKind Kind,
    object? Default,
    string DefaultText,
    string RangeText,
    Func<ResilientHttpOptions, object?> Read,
    Action<OptionChecker, ResilientHttpOptions>? Check = null)
{
    /// <summary>Gets the option's name as code and the README write it: <c>Retry.MaxAttempts</c>.</summary>
    public string DottedName => Path.Replace(':', '.');
}
