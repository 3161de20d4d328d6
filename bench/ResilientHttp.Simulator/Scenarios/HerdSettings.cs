namespace ResilientHttp.Simulator;

/// <summary>The synchronized herd: many clients that each must get one call through a token-bucket server.</summary>
/// <param name="SendRetryAfter">Whether the server's 429 carries <c>Retry-After</c>.</param>
/// <param name="Seed">The run's seed.</param>
internal sealed record HerdSettings(bool SendRetryAfter, ulong Seed)
{
    public int Clients { get; init; } = 1000;

    /// <summary>Gets the window every client starts in.</summary>
    public TimeSpan StartSpread { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets the bucket's rate, calls per second.</summary>
    public double Rate { get; init; } = 200;

    /// <summary>Gets the bucket's size: how many calls it takes at once.</summary>
    public int Burst { get; init; } = 20;

    /// <summary>Gets how many sends a client makes before it gives up (the application calls again after a failed call).</summary>
    public int AttemptCap { get; init; } = 30;

    /// <summary>Gets how long the run may last.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan OneWayDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    public override string ToString() => SendRetryAfter ? "429 with Retry-After" : "429 without Retry-After";
}
