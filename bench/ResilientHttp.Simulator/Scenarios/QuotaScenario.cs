namespace ResilientHttp.Simulator;

/// <summary>
/// "Quota herd": every client starts within a few milliseconds and makes its job of calls one after another, each
/// as soon as the one before ended, against a fixed-window quota that says when it is spent
/// (<see cref="FixedWindowQuotaServer"/>). A call is the library's (up to MaxAttempts sends); a call that fails is
/// not made again. What the quota headers are worth is the 429s the clients do not collect.
/// </summary>
internal sealed class QuotaScenario : IEventSink, ICallObserver
{
    private readonly QuotaSettings _settings;
    private readonly Policy _policy;
    private readonly Scheduler _scheduler = new();
    private readonly ClientFleet _fleet;
    private readonly int[] _callsMade;
    private long _calls;
    private long _succeeded;
    private long _sends;
    private long _tooManyRequests;
    private long _waited;
    private long _lastDone;
    private int _clientsDone;

    private QuotaScenario(QuotaSettings settings, Policy policy)
    {
        _settings = settings;
        _policy = policy;
        var random = new SeededRandom(settings.Seed);
        _fleet = new ClientFleet(_scheduler, policy, settings.Clients, random, this, settings.OneWayDelay);
        _fleet.Server = new FixedWindowQuotaServer(_scheduler, _fleet, settings.Limit, settings.Window, settings.Scope, settings.Clients);
        _callsMade = new int[settings.Clients];
        for (int client = 0; client < settings.Clients; client++)
        {
            _scheduler.At((long)(random.NextDouble() * settings.StartSpread.Ticks), this, 0, client);
        }
    }

    /// <summary>Runs one policy through the quota herd.</summary>
    public static QuotaResult Run(QuotaSettings settings, Policy policy) => new QuotaScenario(settings, policy).Run();

    public void Handle(int kind, object? target) => NextCall((int)target!);

    public void AttemptSent(Attempt attempt, long now) => _sends++;

    public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now)
    {
        if (outcome is { IsResponse: true, StatusCode: 429 })
        {
            _tooManyRequests++;
        }
    }

    public void CallFinished(Call call, bool succeeded, long now)
    {
        _calls++;
        _waited += call.Waited;
        if (succeeded)
        {
            _succeeded++;
        }

        NextCall(call.Client);
    }

    private void NextCall(int client)
    {
        if (_callsMade[client] == _settings.CallsPerClient)
        {
            _clientsDone++;
            _lastDone = _scheduler.Now;
            return;
        }

        _callsMade[client]++;
        _fleet.Start(new Call(client, _scheduler.Now));
    }

    private QuotaResult Run()
    {
        _scheduler.RunUntil(_settings.Horizon.Ticks);
        double calls = Math.Max(1, _calls);
        return new QuotaResult(
            _settings,
            _policy.Name,
            _calls,
            _succeeded / calls,
            _tooManyRequests / calls,
            _sends / calls,
            VirtualClock.Seconds(_waited) / calls,
            _clientsDone == _settings.Clients ? VirtualClock.Seconds(_lastDone) : double.PositiveInfinity);
    }
}
