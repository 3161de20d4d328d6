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
        // Each exchange returns what it found: the loop ends once that is not earlier than timestamp,
        // which a successful exchange makes true on the next round (its repeat finds timestamp there).
        long current = Volatile.Read(ref _notBefore);
        while (timestamp > current)
        {
            current = Interlocked.CompareExchange(ref _notBefore, timestamp, current);
        }
    }

    /// <summary>Gets how long a call made at <paramref name="now"/> must still wait: zero or less when it need not.</summary>
    public TimeSpan Remaining(long now, TimeProvider time) => time.GetElapsedTime(now, Volatile.Read(ref _notBefore));
}
