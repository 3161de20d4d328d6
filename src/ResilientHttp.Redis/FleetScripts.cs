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
        local b = redis.call('GET', @bucket)
        if b then b = tonumber(b) else b = cap end
        b = math.max(-cap, b - tonumber(@spent))
        b = math.min(cap, b + tonumber(@earned))
        local text = string.format('%.6f', b)
        redis.call('SET', @bucket, text, 'PX', @lifetime)
        return { text, redis.call('PTTL', @pause) }
        """);

    /// <summary>
    /// A pause a host asked for: kept as a key that expires when the pause ends (a longer pause already kept wins), and
    /// announced on the fleet's channel. KEYS: the pause. ARGV: the pause in ms, the channel, the message.
    /// </summary>
    public static readonly LuaScript Pause = LuaScript.Prepare(
        """
        local ms = tonumber(@milliseconds)
        if redis.call('PTTL', @pause) < ms then
          redis.call('SET', @pause, '1', 'PX', ms)
        end
        redis.call('PUBLISH', @channel, @message)
        return 1
        """);
}
