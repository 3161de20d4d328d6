namespace ResilientHttp.Demo;

/// <summary>
/// A server's quota of <paramref name="limit"/> calls per fixed window of whole seconds, the first window opening
/// at the first call. Counts what it refused and the windows calls fell in.
/// </summary>
internal sealed class FixedWindowQuota(int limit, int windowSeconds)
{
    private readonly Lock _lock = new();
    private TimeSpan? _opened;
    private long _window = -1;
    private int _taken;

    public int Limit { get; } = limit;

    public int WindowSeconds { get; } = windowSeconds;

    /// <summary>Gets how many calls came over the quota.</summary>
    public int Refused { get; private set; }

    /// <summary>Gets how many windows had at least one call.</summary>
    public int Windows { get; private set; }

    /// <summary>Takes one call from the quota at <paramref name="now"/>.</summary>
    /// <returns>
    /// Whether the call is within the quota, the calls left in this window, and the whole seconds until the next
    /// window, rounded up so that a client waiting that long never comes back before it.
    /// </returns>
    public (bool Allowed, int Remaining, int ResetSeconds) Take(TimeSpan now)
    {
        TimeSpan window = TimeSpan.FromSeconds(WindowSeconds);
        lock (_lock)
        {
            _opened ??= now;
            long index = (long)((now - _opened.Value) / window);
            if (index != _window)
            {
                (_window, _taken) = (index, 0);
                Windows++;
            }

            bool allowed = _taken < Limit;
            if (allowed)
            {
                _taken++;
            }
            else
            {
                Refused++;
            }

            TimeSpan reset = _opened.Value + ((index + 1) * window) - now;
            return (allowed, Limit - _taken, (int)Math.Ceiling(reset.TotalSeconds));
        }
    }
}
