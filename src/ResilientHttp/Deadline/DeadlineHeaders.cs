using System.Globalization;

namespace ResilientHttp;

/// <summary>
/// Deadlines a server can act on: each attempt tells the server how long its sender still waits
/// (<c>Request-Timeout-Ms</c>) and how many sends came before it (<c>Resend-Count</c>).
/// </summary>
internal sealed class DeadlineHeaders : AttemptStrategy
{
    /// <summary>The header carrying the attempt's remaining time, in whole milliseconds.</summary>
    public const string TimeoutHeader = "Request-Timeout-Ms";

    /// <summary>The header carrying how many times the request was sent before this attempt.</summary>
    public const string ResendHeader = "Resend-Count";

    public override void OnSending(HttpRequestMessage request, in AttemptContext attempt)
    {
        if (!attempt.Options.Deadline.SendHeader)
        {
            return;
        }

        // The same request goes out on every attempt: each one replaces the values of the one before.
        request.Headers.Remove(TimeoutHeader);
        request.Headers.Remove(ResendHeader);
        if (attempt.Timer.Limit is { } limit)
        {
            request.Headers.TryAddWithoutValidation(TimeoutHeader, Milliseconds(limit).ToString(CultureInfo.InvariantCulture));
        }

        request.Headers.TryAddWithoutValidation(ResendHeader, (attempt.Attempt - 1).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The value of <see cref="TimeoutHeader"/> for a limit: whole milliseconds, never negative.</summary>
    /// <remarks>Rounded down: the server is never told the sender waits longer than it does.</remarks>
    public static long Milliseconds(TimeSpan limit) => Math.Max(0, (long)limit.TotalMilliseconds);
}
