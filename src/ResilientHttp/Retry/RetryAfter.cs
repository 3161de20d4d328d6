using System.Net.Http.Headers;

using System.Globalization;

namespace ResilientHttp;

/// <summary>
/// R4: reads a <c>Retry-After</c> value (RFC 9110 §10.2.3: delta-seconds or an HTTP-date). Pure functions
/// that never throw: a malformed, negative, fractional or past value is "no usable value".
/// </summary>
internal static class RetryAfter
{
    // The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime.
    private static readonly string[] HttpDateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy", // also reads asctime's space-padded day: white space is allowed
    ];

    // The most whole seconds a TimeSpan holds.
    private const long MaxSeconds = long.MaxValue / TimeSpan.TicksPerSecond;

    /// <summary>Reads the <c>Retry-After</c> of a response, measuring an HTTP-date against the response's own <c>Date</c>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time, used when the response has no valid <c>Date</c>.</param>
    /// <returns>The wait the host asked for, or <see langword="null"/> when there is no usable value.</returns>
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        // NonValidated: no parsing, no exception, whatever the server sent.
        if (!response.Headers.NonValidated.TryGetValues("Retry-After", out HeaderStringValues values) || values.Count != 1)
        {
            return null;
        }

        return Parse(values.ToString(), DateOf(response), now);
    }

    /// <summary>Parses a <c>Retry-After</c> value.</summary>
    /// <param name="value">The header value as sent.</param>
    /// <param name="responseDate">The response's <c>Date</c> header as sent, if any.</param>
    /// <param name="now">The local current time, used when <paramref name="responseDate"/> is absent or invalid.</param>
    /// <returns>The wait, or <see langword="null"/> when the value is malformed or in the past.</returns>
    public static TimeSpan? Parse(string? value, string? responseDate, DateTimeOffset now)
    {
        ReadOnlySpan<char> text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        if (char.IsAsciiDigit(text[0]))
        {
            return ParseSeconds(text);
        }

        if (!TryParseHttpDate(text, out DateTimeOffset retryAt))
        {
            return null;
        }

        DateTimeOffset reference = TryParseHttpDate(responseDate.AsSpan().Trim(), out DateTimeOffset sent) ? sent : now;
        // A date equal to the response's own is "now"; only one before it is in the past.
        TimeSpan wait = retryAt - reference;
        return wait >= TimeSpan.Zero ? wait : null;
    }

    private static TimeSpan? ParseSeconds(ReadOnlySpan<char> text)
    {
        if (text.ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        // Digits only, so the parse fails only past long.MaxValue: like anything past MaxSeconds, the longest wait.
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxSeconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.MaxValue;
    }

    /// <summary>Gets the moment a response was sent, by its own valid <c>Date</c> header, else <paramref name="now"/>.</summary>
    public static DateTimeOffset SentAt(HttpResponseMessage response, DateTimeOffset now) =>
        TryParseHttpDate(DateOf(response).AsSpan().Trim(), out DateTimeOffset sent) ? sent : now;

    // The response's one Date header as sent, or none.
    private static string? DateOf(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Date", out HeaderStringValues dates) && dates.Count == 1
            ? dates.ToString()
            : null;

    private static bool TryParseHttpDate(ReadOnlySpan<char> text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(
            text,
            HttpDateFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out value);
}
