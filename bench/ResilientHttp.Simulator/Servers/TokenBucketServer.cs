namespace ResilientHttp.Simulator;

/// <summary>
/// The herd's server: a token bucket (a rate and a burst) answered at once, 200 while a token is left and
/// 429 beyond it, with <c>Retry-After</c> set to the whole seconds until the next token (at least 1), when
/// <see cref="SendRetryAfter"/> is on.
/// </summary>
internal sealed class TokenBucketServer(Scheduler scheduler, ClientFleet fleet, double rate, int burst) : IAttemptServer
{
    private double _tokens = burst;
    private long _lastRefill;

    /// <summary>Gets or sets whether a 429 carries <c>Retry-After</c>.</summary>
    public bool SendRetryAfter { get; init; }

    public void Receive(Attempt attempt)
    {
        long now = scheduler.Now;
        _tokens = Math.Min(burst, _tokens + (VirtualClock.Seconds(now - _lastRefill) * rate));
        _lastRefill = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            fleet.Respond(attempt, 200);
            return;
        }

        TimeSpan? retryAfter = SendRetryAfter ? TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - _tokens) / rate))) : null;
        fleet.Respond(attempt, 429, retryAfter);
    }
}
