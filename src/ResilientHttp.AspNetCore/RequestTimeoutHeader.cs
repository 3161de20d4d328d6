using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ResilientHttp.AspNetCore;

/// <summary>Reads the sender's remaining time from <c>Request-Timeout-Ms</c>; never throws.</summary>
internal static class RequestTimeoutHeader
{
    /// <summary>The header's name, as ResilientHttp's <c>Deadline.SendHeader</c> sends it.</summary>
    public const string Name = "Request-Timeout-Ms";

    /// <summary>The longest time believed: a longer value is no deadline worth tracking.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>Reads the header: one value of whole, non-negative milliseconds, up to a day; anything else is no deadline.</summary>
    public static bool TryRead(IHeaderDictionary headers, out TimeSpan remaining)
    {
        remaining = default;
        StringValues values = headers[Name];
        if (values.Count != 1 ||
            !long.TryParse(values[0].AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds) ||
            milliseconds > (long)Longest.TotalMilliseconds)
        {
            return false;
        }

        remaining = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
