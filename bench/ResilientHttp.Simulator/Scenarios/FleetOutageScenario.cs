namespace ResilientHttp.Simulator;

/// <summary>
/// "Fleet outage": N clients send independent Poisson traffic totalling λ to a queue server of capacity C,
/// which fails at t = 30 s for T seconds. One run per policy; the arrivals come from a stream seeded by the
/// world alone, so every policy faces the same calls at the same moments.
/// </summary>
internal sealed class FleetOutageScenario : IEventSink, ICallObserver
{
    private const int NextCallEvent = 0;
    private const int GoodputRunSeconds = 5;
    private const double GoodputTarget = 0.9;

    private readonly FleetOutageSettings _settings;
    private readonly Policy _policy;
    private readonly Scheduler _scheduler = new();
    private readonly SeededRandom _arrivals;
    private readonly ClientFleet _fleet;
    private readonly QueueServer _server;
    private readonly double _meanGap;
    private readonly long _windowStart;
    private readonly long _windowEnd;
    private readonly long _runEnd;
    private readonly long[] _offered;
    private readonly long[] _goodput;
    private long _requests;
    private long _attempts;
    private long _succeeded;

    private FleetOutageScenario(FleetOutageSettings settings, Policy policy)
    {
        _settings = settings;
        _policy = policy;
        _arrivals = new SeededRandom(settings.Seed);
        var jitter = new SeededRandom(SeededRandom.Combine((long)settings.Seed, StableHash(policy.Name)));
        _fleet = new ClientFleet(_scheduler, policy, settings.Clients, jitter, this, settings.OneWayDelay);
        _windowStart = VirtualClock.Ticks(settings.OutageStartSecond);
        _windowEnd = VirtualClock.Ticks(settings.WindowEndSecond);
        _runEnd = VirtualClock.Ticks(settings.RunSeconds);
        _server = new QueueServer(
            _scheduler,
            _fleet,
            settings.Capacity,
            settings.QueueLimit,
            settings.Mode,
            _windowStart,
            VirtualClock.Ticks(settings.OutageEndSecond),
            settings.RunSeconds,
            settings.TransientFailureRate,
            SeededRandom.Combine((long)settings.Seed, 7),
            settings.Shedding);
        _fleet.Server = _server;
        _meanGap = 1 / (settings.Load * settings.Capacity);
        _offered = new long[settings.RunSeconds];
        _goodput = new long[settings.RunSeconds];
    }

    /// <summary>Runs one policy through one outage.</summary>
    public static FleetOutageResult Run(FleetOutageSettings settings, Policy policy) => new FleetOutageScenario(settings, policy).Run();

    public void Handle(int kind, object? target)
    {
        long now = _scheduler.Now;
        var call = new Call(_arrivals.NextInt(_settings.Clients), now);
        if (now >= _windowStart && now < _windowEnd)
        {
            call.Tag = this; // counted
            _requests++;
        }

        _fleet.Start(call);
        ScheduleNextCall();
    }

    public void AttemptSent(Attempt attempt, long now)
    {
        _offered[Second(now)]++;
        if (now >= _windowStart && now < _windowEnd)
        {
            _attempts++;
        }
    }

    public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now)
    {
        if (outcome is { IsResponse: true, StatusCode: 200 })
        {
            _goodput[Second(now)]++;
        }
    }

    public void CallFinished(Call call, bool succeeded, long now)
    {
        if (succeeded && call.Tag is not null)
        {
            _succeeded++;
        }
    }

    private FleetOutageResult Run()
    {
        ScheduleNextCall();
        _scheduler.RunUntil(_runEnd);

        double capacity = _settings.Capacity;
        double[] offered = [.. _offered.Select(n => n / capacity)];
        double[] goodput = [.. _goodput.Select(n => n / capacity)];
        int end = _settings.OutageEndSecond;
        double peak = offered.Skip(end).Take(_settings.WindowAfterSeconds).DefaultIfEmpty(0).Max();
        double busy = _server.BusySeconds.Skip(_settings.OutageStartSecond).Take(_settings.WindowEndSecond - _settings.OutageStartSecond).Sum();
        double wasted = _server.WastedSeconds.Skip(_settings.OutageStartSecond).Take(_settings.WindowEndSecond - _settings.OutageStartSecond).Sum();
        double shed = _server.ShedSeconds.Skip(_settings.OutageStartSecond).Take(_settings.WindowEndSecond - _settings.OutageStartSecond).Sum();
        return new FleetOutageResult(
            _settings,
            _policy.Name,
            _requests,
            _attempts,
            peak,
            RecoverySeconds(goodput, end, GoodputTarget * _settings.Load),
            _requests == 0 ? 0 : _succeeded / (double)_requests,
            busy == 0 ? 0 : wasted / busy,
            offered,
            goodput)
        {
            ShedFraction = busy == 0 ? 0 : shed / busy,
            StoreRounds = _fleet.Store?.Rounds ?? 0,
            StoreLowestBalance = _fleet.Store is { Rounds: > 0 } store ? store.LowestBalance : 0,
        };
    }

    /// <summary>
    /// Seconds from <paramref name="from"/> to lasting recovery: the first of 5 seconds in a row with goodput at
    /// or above <paramref name="target"/>, taken after the last 5-second stretch whose mean fell below it, so
    /// that a fleet that comes back for a moment and collapses again is not called recovered. ∞ if never.
    /// </summary>
    internal static double RecoverySeconds(IReadOnlyList<double> goodput, int from, double target)
    {
        int searchFrom = from;
        for (int second = goodput.Count - GoodputRunSeconds; second >= from; second--)
        {
            double sum = 0;
            for (int i = 0; i < GoodputRunSeconds; i++)
            {
                sum += goodput[second + i];
            }

            if (sum / GoodputRunSeconds < target)
            {
                searchFrom = second + 1;
                break;
            }
        }

        int run = 0;
        for (int second = searchFrom; second < goodput.Count; second++)
        {
            run = goodput[second] >= target ? run + 1 : 0;
            if (run == GoodputRunSeconds)
            {
                return second - GoodputRunSeconds + 1 - from;
            }
        }

        return double.PositiveInfinity;
    }

    private void ScheduleNextCall()
    {
        long gap = Math.Max(1, VirtualClock.Ticks(_arrivals.NextExponential(_meanGap)));
        if (_scheduler.Now + gap < _runEnd)
        {
            _scheduler.After(gap, this, NextCallEvent);
        }
    }

    private int Second(long now) => Math.Min((int)(now / TimeSpan.TicksPerSecond), _offered.Length - 1);

    private static long StableHash(string text)
    {
        long hash = 1469598103934665603;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return hash;
    }
}
