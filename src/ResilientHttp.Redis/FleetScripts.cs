using StackExchange.Redis;

namespace ResilientHttp.Redis;

/// <summary>The two steps the store runs atomically in Redis, each one round trip.</summary>
internal static class FleetScripts
{
    /// <summary>
    /// One process's report to a host's fleet bucket (<see cref="FleetBucket.Apply"/>, step for step), answered with the
    /// new balance and the time left of the host's pause, if any (so a process that missed the pause's message still
    /// learns of it). KEYS: the bucket, the pause. ARGV: earned, spent, capacity, the bucket's lifetime in ms.
    /// </summary>
    public static readonly LuaScript Report = LuaScript.Prepare(
        """
        local cap = tonumber(@capacity)
        local b = tonumber(redis.call('GET', @bucket) or '') or cap
        b = math.max(-cap, b - tonumber(@spent))
        b = math.min(cap, b + tonumber(@earned))
        local text = string.format('%.6f', b)
        redis.call('SET', @bucket, text, 'PX', @lifetime)
        return { text, redis.call('PTTL', @pause) }
        """);

    /// <summary>
    /// A pause a host asked for: kept as a key that expires when the pause ends, and announced on the fleet's channel, only
    /// when it outlasts the pause already kept by the slack (so a burst of 429s sends one message, not one per answer).
    /// KEYS: the pause. ARGV: the pause in ms, the slack in ms, the channel, the message.
    /// </summary>
    public static readonly LuaScript Pause = LuaScript.Prepare(
        """
        local ms = tonumber(@milliseconds)
        local kept = redis.call('PTTL', @pause)
        if kept < 0 or kept + tonumber(@slack) < ms then
          redis.call('SET', @pause, '1', 'PX', ms)
          redis.call('PUBLISH', @channel, @message)
          return 1
        end
        return 0
        """);
}
