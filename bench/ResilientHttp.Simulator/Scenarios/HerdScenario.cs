namespace ResilientHttp.Simulator;

/// <summary>
/// "Synchronized herd": every client starts within a few milliseconds against a token bucket. A client's
/// call is the library's (up to MaxAttempts sends); when a call fails, the application calls again at once
/// (paced by the library if the host sent <c>Retry-After</c>), until it has made
/// <see cref="HerdSettings.AttemptCap"/> sends.
/// </summary>
internal sealed class HerdScenario : IEventSink, ICallObserver
{
    private const int StartEvent = 0;
    private const int SlotsKept = 600;
    private static readonly long Slot = TimeSpan.FromMilliseconds(100).Ticks;

    private readonly HerdSettings _settings;
    private readonly Policy _policy;
    private readonly Scheduler _scheduler = new();
    private readonly ClientFleet _fleet;
    private readonly int[] _sends;
    private readonly long[] _doneAt;
    private readonly int[] _doneAtSend;
    private readonly Dictionary<long, int> _perSlot = [];

    private HerdScenario(HerdSettings settings, Policy policy)
    {
        _settings = settings;
        _policy = policy;
        var random = new SeededRandom(settings.Seed);
        _fleet = new ClientFleet(_scheduler, policy, settings.Clients, random, this, settings.OneWayDelay);
        _fleet.Server = new TokenBucketServer(_scheduler, _fleet, settings.Rate, settings.Burst) { SendRetryAfter = settings.SendRetryAfter };
        _sends = new int[settings.Clients];
        _doneAt = new long[settings.Clients];
        _doneAtSend = new int[settings.Clients];
        Array.Fill(_doneAt, long.MaxValue);
        for (int client = 0; client < settings.Clients; client++)
        {
            _scheduler.At((long)(random.NextDouble() * settings.StartSpread.Ticks), this, StartEvent, client);
        }
    }

    /// <summary>Runs one policy through the herd.</summary>
    public static HerdResult Run(HerdSettings settings, Policy policy) => new HerdScenario(settings, policy).Run();

    public void Handle(int kind, object? target) => _fleet.Start(new Call((int)target!, _scheduler.Now));

    public void AttemptSent(Attempt attempt, long now)
    {
        _sends[attempt.Call.Client]++;
        long slot = now / Slot;
        _perSlot[slot] = _perSlot.GetValueOrDefault(slot) + 1;
    }

    public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now)
    {
    }

    public void CallFinished(Call call, bool succeeded, long now)
    {
        int client = call.Client;
        if (succeeded)
        {
            _doneAt[client] = now;
            _doneAtSend[client] = _sends[client];
            return;
        }

        if (_sends[client] < _settings.AttemptCap)
        {
            _fleet.Start(new Call(client, now));
        }
    }

    private HerdResult Run()
    {
        _scheduler.RunUntil(_settings.Horizon.Ticks);
        int clients = _settings.Clients;
        long[] done = [.. _doneAt.Where(t => t != long.MaxValue).Order()];
        int needed = (int)Math.Ceiling(clients * 0.99);
        double seconds99 = done.Length >= needed ? VirtualClock.Seconds(done[needed - 1]) : double.PositiveInfinity;
        int[] slots = new int[SlotsKept];
        foreach ((long slot, int count) in _perSlot)
        {
            if (slot < SlotsKept)
            {
                slots[slot] = count;
            }
        }

        return new HerdResult(
            _settings,
            _policy.Name,
            _sends.Sum() / (double)clients,
            done.Length / (double)clients,
            _doneAtSend.Count(s => s is > 0 && s <= _settings.AttemptCap) / (double)clients,
            seconds99,
            _perSlot.Count == 0 ? 0 : _perSlot.Values.Max(),
            slots);
    }
}
