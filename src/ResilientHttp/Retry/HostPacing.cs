namespace ResilientHttp;

/// <summary>
/// R10, P1: the moment a host said, through <c>Retry-After</c> or its quota headers, that it takes calls again.
/// Every call of the same client to that host waits for it. Holds a timestamp of the client's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HostPacing
{
    private long _notBefore;
    private int _source = (int)WaitSource.Pacing;

    /// <summary>Gets what the latest pause came from, for the telemetry of the calls that wait for it.</summary>
    public WaitSource Source => (WaitSource)Volatile.Read(ref _source);

    /// <summary>Records that the host takes no calls before <paramref name="timestamp"/>; an earlier moment never shortens a later one.</summary>
    /// <param name="timestamp">The moment.</param>
    /// <param name="source">What said so: a <c>Retry-After</c> (<see cref="WaitSource.RetryAfter"/>) or a quota (<see cref="WaitSource.RateLimit"/>).</param>
    public void HoldUntil(long timestamp, WaitSource source = WaitSource.RetryAfter)
    {
        // The budget's loop: one exchange when it wins (a pause is recorded on every Retry-After answer).
        long current = Volatile.Read(ref _notBefore);
        // Stryker disable once Equality : >= would also write an equal moment back; only that write differs.
        while (timestamp > current)
        {
            long seen = Interlocked.CompareExchange(ref _notBefore, timestamp, current);
            // Stryker disable once Equality,Statement : without the return, a won exchange only adds a round whose exchange fails and ends the loop; != differs only when another thread moved the pause between the read and the exchange (race-only).
            if (seen == current)
            {
                // The pause that lasts longest names its source; a racing writer may name its own, a telemetry detail only.
                Volatile.Write(ref _source, (int)(source == WaitSource.RateLimit ? WaitSource.RateLimit : WaitSource.Pacing));
                return;
            }

            current = seen;
        }
    }

    /// <summary>Gets how long a call made at <paramref name="now"/> must still wait: zero or less when it need not.</summary>
    public TimeSpan Remaining(long now, TimeProvider time) => time.GetElapsedTime(now, Volatile.Read(ref _notBefore));
}
