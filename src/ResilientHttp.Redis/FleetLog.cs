using Microsoft.Extensions.Logging;

namespace ResilientHttp.Redis;

/// <summary>The fleet store's log events: one when Redis is lost, one when it is back, never one per call.</summary>
internal static partial class FleetLog
{
    [LoggerMessage(EventId = 1, EventName = "FleetStoreUnavailable", Level = LogLevel.Warning,
        Message = "The fleet store (Redis) is unavailable ({Reason}); retry budgets and host pauses are local to this process until it answers again.")]
    public static partial void StoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, EventName = "FleetStoreRestored", Level = LogLevel.Information,
        Message = "The fleet store (Redis) answers again after {Seconds:0.0} s; retry budgets and host pauses are shared with the fleet.")]
    public static partial void StoreRestored(ILogger logger, double seconds);
}
