using Microsoft.Extensions.Logging;

namespace ResilientHttp.AspNetCore;

/// <summary>The middleware's log: one Debug line per shed request (the meter is what an operator watches).</summary>
internal static partial class SheddingLog
{
    /// <summary>The category the middleware logs under.</summary>
    public const string Category = "ResilientHttp.AspNetCore";

    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path} shed with 503: its sender's deadline of {DeadlineMs} ms passed after {WaitedMs} ms in the server ({Reason})", EventName = "RequestShed")]
    public static partial void RequestShed(ILogger logger, string method, string path, double deadlineMs, double waitedMs, ShedReason reason);
}
