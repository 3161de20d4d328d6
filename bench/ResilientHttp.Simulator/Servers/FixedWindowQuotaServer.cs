namespace ResilientHttp.Simulator;

/// <summary>
/// The quota world's server: a fixed-window quota (<c>limit</c> calls per window, windows aligned to the server's
/// clock), answered at once, 200 while the window has calls left and 429 beyond them, without <c>Retry-After</c>. Every
/// answer says what is left; one that says nothing is left (the 200 that takes the last call, and every 429) carries
/// the whole seconds until the window resets, rounded up, as <c>RateLimit: "window";r=0;t=2</c> does (P1). Counted per
/// client or for the whole fleet (<see cref="QuotaScope"/>).
/// </summary>
internal sealed class FixedWindowQuotaServer : IAttemptServer
{
    private readonly Scheduler _scheduler;
    private readonly ClientFleet _fleet;
    private readonly int _limit;
    private readonly long _window;
    private readonly QuotaScope _scope;
    private readonly int[] _used;
    private readonly long[] _windowOf;

    public FixedWindowQuotaServer(Scheduler scheduler, ClientFleet fleet, int limit, TimeSpan window, QuotaScope scope, int clients)
    {
        _scheduler = scheduler;
        _fleet = fleet;
        _limit = limit;
        _window = window.Ticks;
        _scope = scope;
        int quotas = scope == QuotaScope.PerClient ? clients : 1;
        _used = new int[quotas];
        _windowOf = new long[quotas];
    }

    public void Receive(Attempt attempt)
    {
        long now = _scheduler.Now;
        long window = now / _window;
        int quota = _scope == QuotaScope.PerClient ? attempt.Call.Client : 0;
        if (_windowOf[quota] != window)
        {
            _windowOf[quota] = window;
            _used[quota] = 0;
        }

        if (_used[quota] < _limit)
        {
            _used[quota]++;
            _fleet.Respond(attempt, 200, quotaReset: _used[quota] == _limit ? ResetIn(now, window) : null);
            return;
        }

        _fleet.Respond(attempt, 429, quotaReset: ResetIn(now, window));
    }

    private TimeSpan ResetIn(long now, long window) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(VirtualClock.Seconds(((window + 1) * _window) - now))));
}
