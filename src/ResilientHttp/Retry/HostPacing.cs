namespace ResilientHttp;

/// <summary>
/// R10: the moment a host said, through <c>Retry-After</c>, that it takes calls again. Every call of the
/// same client to that host waits for it. Holds a timestamp of the client's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HostPacing
{
    private long _notBefore;

    /// <summary>Records that the host takes no calls before <paramref name="timestamp"/>; an earlier moment never shortens a later one.</summary>
    public void HoldUntil(long timestamp)
    {
        long current = Volatile.Read(ref _notBefore);
        while (timestamp > current)
        {
            long seen = Interlocked.CompareExchange(ref _notBefore, timestamp, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Gets how long a call made at <paramref name="now"/> must still wait, or zero.</summary>
    public TimeSpan Remaining(long now, TimeProvider time)
    {
        long notBefore = Volatile.Read(ref _notBefore);
        return notBefore > now ? time.GetElapsedTime(now, notBefore) : TimeSpan.Zero;
    }
}
