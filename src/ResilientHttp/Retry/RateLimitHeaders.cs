using System.Globalization;
using System.Net.Http.Headers;

namespace ResilientHttp;

/// <summary>
/// P1: reads what a response says about the host's quota, in every form servers send, and answers how long until
/// the quota is there again when it is spent now. Pure, and never throws: a malformed, negative or absurd value
/// (past a day, or a reset before the response was sent) is no value. When several quotas are spent, the one that
/// resets last wins (the most restrictive).
/// </summary>
/// <remarks>
/// The forms, each one reader:
/// <list type="bullet">
/// <item>IETF <c>RateLimit: "name";r=0;t=2</c> (draft-ietf-httpapi-ratelimit-headers, a list of policies), and its
/// earlier dictionary form <c>RateLimit: limit=10, remaining=0, reset=2</c>;</item>
/// <item><c>RateLimit-Remaining</c> / <c>RateLimit-Reset</c> (delta-seconds), the older drafts;</item>
/// <item><c>X-RateLimit-Remaining</c> / <c>X-RateLimit-Reset</c>: a Unix time when it is one (GitHub), else delta-seconds;</item>
/// <item>OpenAI's <c>x-ratelimit-remaining-requests</c> / <c>x-ratelimit-reset-requests</c> (and <c>-tokens</c>): durations such as <c>6m0s</c> or <c>12ms</c>;</item>
/// <item>Anthropic's <c>anthropic-ratelimit-requests-remaining</c> / <c>-reset</c> (and the token quotas): RFC 3339 dates.</item>
/// </list>
/// Unix times and dates are measured against the response's own <c>Date</c>, so a skewed local clock does not distort them.
/// </remarks>
internal static class RateLimitHeaders
{
    /// <summary>The longest reset believed: anything longer is absurd.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    // A reset this large is a Unix time, not a delay: 10^9 s is 2001, and 31 years of delay is absurd anyway.
    private const long UnixTimeFrom = 1_000_000_000;

    private static readonly (string Remaining, string Reset, ResetForm Form)[] Pairs =
    [
        ("RateLimit-Remaining", "RateLimit-Reset", ResetForm.Seconds),
        ("X-RateLimit-Remaining", "X-RateLimit-Reset", ResetForm.SecondsOrUnixTime),
        ("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", ResetForm.Duration),
        ("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", ResetForm.Duration),
        ("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", ResetForm.Rfc3339),
        ("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset", ResetForm.Rfc3339),
        ("anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset", ResetForm.Rfc3339),
        ("anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset", ResetForm.Rfc3339),
    ];

    private enum ResetForm
    {
        Seconds,
        SecondsOrUnixTime,
        Duration,
        Rfc3339,
    }

    /// <summary>Reads a response's quota headers.</summary>
    /// <param name="response">The response.</param>
    /// <param name="time">The clock, read only when a spent quota's reset is a moment and the response has no valid <c>Date</c>.</param>
    /// <returns>How long until a spent quota is there again, or <see langword="null"/> when none is spent (or none is said).</returns>
    /// <remarks>
    /// Every response of a client passes here: one pass over its headers finds the quota fields, and a response
    /// without any costs a name check per header, no lookup, no clock reading and no allocation.
    /// </remarks>
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider time)
    {
        HttpHeadersNonValidated headers = response.Headers.NonValidated;
        TimeSpan? wait = null;
        DateTimeOffset? sent = null;
        foreach (KeyValuePair<string, HeaderStringValues> header in headers)
        {
            string name = header.Key;
            if (!name.Contains("ratelimit", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(name, "RateLimit", StringComparison.OrdinalIgnoreCase))
            {
                HeaderStringValues field = header.Value;
                wait = Latest(wait, ParseField(field.Count == 1 ? field.ToString() : string.Join(",", field)));
                continue;
            }

            if (PairOf(name) is not { } pair || header.Value.Count != 1 || !IsZero(header.Value.ToString()) ||
                !headers.TryGetValues(pair.Reset, out HeaderStringValues at) || at.Count != 1)
            {
                continue;
            }

            sent ??= RetryAfter.SentAt(response, time.GetUtcNow());
            wait = Latest(wait, ParseReset(at.ToString(), pair.Form, sent.Value));
        }

        return wait;
    }

    /// <summary>
    /// Parses the IETF <c>RateLimit</c> field: a list of policies, each with its remaining quota <c>r</c> and the
    /// seconds <c>t</c> until it is restored; or the earlier dictionary <c>limit=…, remaining=…, reset=…</c>.
    /// </summary>
    /// <returns>The wait for the spent policy that resets last, or <see langword="null"/>.</returns>
    public static TimeSpan? ParseField(string? value)
    {
        ReadOnlySpan<char> text = value;
        TimeSpan? wait = null;
        long? remaining = null;
        long? reset = null;
        foreach (Range items in text.Split(','))
        {
            ReadOnlySpan<char> item = text[items].Trim();
            int split = item.IndexOf(';');
            ReadOnlySpan<char> head = (split < 0 ? item : item[..split]).Trim();
            if (head.Contains('='))
            {
                // The dictionary form: each member is one key of the whole field.
                Member(head, out ReadOnlySpan<char> key, out long? number);
                if (key.Equals("remaining", StringComparison.OrdinalIgnoreCase))
                {
                    remaining = number;
                }
                else if (key.Equals("reset", StringComparison.OrdinalIgnoreCase))
                {
                    reset = number;
                }

                continue;
            }

            long? r = null;
            long? t = null;
            ReadOnlySpan<char> parameters = split < 0 ? [] : item[(split + 1)..];
            foreach (Range each in parameters.Split(';'))
            {
                Member(parameters[each].Trim(), out ReadOnlySpan<char> key, out long? number);
                if (key is "r")
                {
                    r = number;
                }
                else if (key is "t")
                {
                    t = number;
                }
            }

            if (r == 0 && t is { } seconds)
            {
                wait = Latest(wait, Seconds(seconds));
            }
        }

        if (remaining == 0 && reset is { } after)
        {
            wait = Latest(wait, Seconds(after));
        }

        return wait;
    }

    /// <summary>Parses a Go-style duration as OpenAI sends it: <c>6m0s</c>, <c>1.5s</c>, <c>12ms</c>, <c>1h2m</c>.</summary>
    public static TimeSpan? ParseDuration(string? value)
    {
        ReadOnlySpan<char> text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        double total = 0;
        while (!text.IsEmpty)
        {
            int digits = 0;
            while (digits < text.Length && (char.IsAsciiDigit(text[digits]) || text[digits] == '.'))
            {
                digits++;
            }

            int unit = digits;
            while (unit < text.Length && char.IsAsciiLetter(text[unit]))
            {
                unit++;
            }

            if (digits == 0 || unit == digits ||
                !double.TryParse(text[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return null;
            }

            double? seconds = text[digits..unit] switch
            {
                "h" => amount * 3600,
                "m" => amount * 60,
                "s" => amount,
                "ms" => amount / 1000,
                "us" or "µs" => amount / 1_000_000,
                "ns" => amount / 1_000_000_000,
                _ => null,
            };
            if (seconds is not { } part)
            {
                return null;
            }

            total += part;
            text = text[unit..];
        }

        return total <= Longest.TotalSeconds ? TimeSpan.FromSeconds(total) : null;
    }

    private static TimeSpan? ParseReset(string value, ResetForm form, DateTimeOffset sent)
    {
        string text = value.Trim();
        switch (form)
        {
            case ResetForm.Duration:
                return ParseDuration(text);
            case ResetForm.Rfc3339:
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                    ? Until(at, sent)
                    : null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            return null;
        }

        if (form == ResetForm.SecondsOrUnixTime && number >= UnixTimeFrom)
        {
            return Until(DateTimeOffset.FromUnixTimeSeconds(Math.Min(number, DateTimeOffset.MaxValue.ToUnixTimeSeconds())), sent);
        }

        return Seconds(number);
    }

    // Whole seconds, or no value past the longest believable reset (and no overflow on the way).
    private static TimeSpan? Seconds(long seconds) => seconds <= (long)Longest.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;

    // One member, key=number: the key (the whole member when it has no '='), and the number when it is one.
    private static void Member(ReadOnlySpan<char> member, out ReadOnlySpan<char> key, out long? number)
    {
        int equals = member.IndexOf('=');
        if (equals <= 0)
        {
            key = member;
            number = null;
            return;
        }

        key = member[..equals].Trim();
        number = long.TryParse(member[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
    }

    // The pair whose remaining quota this header gives, if any.
    private static (string Reset, ResetForm Form)? PairOf(string name)
    {
        foreach ((string remaining, string reset, ResetForm form) in Pairs)
        {
            if (string.Equals(name, remaining, StringComparison.OrdinalIgnoreCase))
            {
                return (reset, form);
            }
        }

        return null;
    }

    private static bool IsZero(string value) =>
        long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number == 0;

    // From the moment the response was sent to a reset given as a moment: none when it is past or too far.
    private static TimeSpan? Until(DateTimeOffset at, DateTimeOffset sent) => at >= sent && at - sent <= Longest ? at - sent : null;

    private static TimeSpan? Latest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
