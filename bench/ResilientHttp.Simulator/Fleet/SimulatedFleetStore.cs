namespace ResilientHttp.Simulator;

/// <summary>
/// The fleet store (the <c>ResilientHttp.Redis</c> package) modelled in virtual time: one store holding one
/// <see cref="FleetBucket"/> balance per client name and host, and, in each client process, the store's background
/// loop. Every <see cref="FleetStoreSettings.FlushInterval"/> (each process at its own phase) the loop takes the report
/// of each of the process's enlisted shares; an urgent enlist starts that round at once (one round in flight per
/// process; an urgent need during it starts another as soon as it ends). The reports reach the store one
/// <see cref="FleetStoreSettings.Latency"/> later, where <see cref="FleetBucket.Apply"/> runs on the shared balance
/// (atomically: events never overlap), and each share is <see cref="FleetShare.Answered"/> one latency after that.
/// A published pause reaches every other process's share two latencies later (pub/sub: to the store and back).
/// Only processes with something enlisted have an event pending: an idle process costs nothing.
/// </summary>
internal sealed class SimulatedFleetStore : FleetStore, IEventSink
{
    private const int FlushEvent = 0;
    private const int WakeEvent = 1;
    private const int ApplyEvent = 2;
    private const int AnswerEvent = 3;
    private const int BroadcastEvent = 4;

    private readonly Scheduler _scheduler;
    private readonly long _latency;
    private readonly long _flush;
    private readonly Dictionary<FleetShare, Process> _processOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, double> _balances = [];
    private readonly Dictionary<string, long> _lastBroadcastEnd = [];
    private readonly Dictionary<string, (double Sum, long At)> _earnings = [];
    private readonly Dictionary<FleetShare, long> _leaseEnds = new(ReferenceEqualityComparer.Instance);

    public SimulatedFleetStore(Scheduler scheduler, FleetStoreSettings settings)
    {
        _scheduler = scheduler;
        Settings = settings;
        _latency = settings.Latency.Ticks;
        _flush = Math.Max(1, settings.FlushInterval.Ticks);
    }

    public FleetStoreSettings Settings { get; }

    /// <summary>Gets the rounds run (each one process's batch of reports and their answers).</summary>
    public long Rounds { get; private set; }

    /// <summary>Gets the reports the store applied.</summary>
    public long Reports { get; private set; }

    /// <summary>Gets the retries the fleet's leases paid for, as reported to the store.</summary>
    public long Spent { get; private set; }

    /// <summary>Gets the pauses published, and those actually sent to the fleet (a pause that ends no later than one already sent adds nothing).</summary>
    public long Published { get; private set; }

    /// <summary>Gets the pauses broadcast to every other process.</summary>
    public long Broadcasts { get; private set; }

    /// <summary>Gets the lowest balance the store held: how far the optimistic leases overspent.</summary>
    public double LowestBalance { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets the balance the store holds for a client name and host, or <see langword="null"/> when it holds none (full).</summary>
    public double? Balance(string client, string authority) => _balances.TryGetValue(Key(client, authority), out double b) ? b : null;

    /// <summary>The simulator's processes join through <see cref="Join(int, string, HostState, int, TimeProvider)"/>: a share belongs to one process.</summary>
    public override FleetShare Join(string client, HostState host, int capacity, TimeProvider time) =>
        throw new NotSupportedException("A simulated share belongs to a process: join with its index.");

    /// <summary>Makes the share of a host newly tracked by process <paramref name="process"/>, as its <see cref="HostTable"/> would.</summary>
    public FleetShare Join(int process, string client, HostState host, int capacity, TimeProvider time)
    {
        while (_processes.Count <= process)
        {
            _processes.Add(new Process(this, _processes.Count, Phase(_processes.Count)));
        }

        Process owner = _processes[process];
        FleetShare share = owner.Store.Join(client, host, capacity, time);
        owner.Shares.Add(share);
        _processOf.Add(share, owner);
        return share;
    }

    public override void Enlist(FleetShare share, bool urgent) => Enlist(_processOf[share], share, urgent);

    public override void Publish(FleetShare share, TimeSpan hold, WaitSource source) => Publish(_processOf[share], share, hold, source);

    private void Enlist(Process process, FleetShare share, bool urgent)
    {
        if (!process.Enlisted.Contains(share))
        {
            process.Enlisted.Add(share);
        }

        if (process.Round is not null)
        {
            // One round in flight: the next starts when it ends (at once when urgent, else at the next tick).
            process.UrgentPending |= urgent;
            return;
        }

        if (urgent)
        {
            Wake(process);
        }
        else
        {
            ArmFlush(process);
        }
    }

    // An urgent need: the process's loop is woken at once, off the caller's path (coalesced: one round in flight).
    private void Wake(Process process)
    {
        if (process.Round is not null)
        {
            process.UrgentPending = true;
        }
        else if (!process.WakePending)
        {
            process.WakePending = true;
            _scheduler.After(0, this, WakeEvent, process);
        }
    }

    /// <summary>
    /// <see cref="LoopAction.Ask"/>: the retry met a stale lease (<see cref="FleetShare.TryTake"/> said <see cref="FleetVerdict.Pending"/>
    /// and asked the store); <paramref name="resume"/> runs when the process's round is answered. The modelled store never
    /// fails, so the answer always comes (after two latencies), well within the handler's <see cref="FleetShare.AnswerTimeout"/>.
    /// </summary>
    public void Await(FleetShare share, Action resume)
    {
        Process process = _processOf[share];
        process.Waiting.Add(resume);
        Enlist(process, share, urgent: true);
    }

    private void Publish(Process from, FleetShare share, TimeSpan hold, WaitSource source)
    {
        Published++;
        long end = _scheduler.Now + hold.Ticks;
        string key = Key(share.Client, share.Host.Authority);

        // Every other process already holds (or is about to hold) a pause that lasts at least as long: nothing to send.
        if (_lastBroadcastEnd.TryGetValue(key, out long last) && end <= last)
        {
            return;
        }

        _lastBroadcastEnd[key] = end;
        Broadcasts++;
        _scheduler.After(2 * _latency, this, BroadcastEvent, new Pause(from, share.Client, share.Host.Authority, end, source));
    }

    // A flush tick or a wake: a round starts when none is in flight and something is enlisted.
    private void RoundIfDue(Process process)
    {
        if (process.Round is null && process.Enlisted.Count > 0)
        {
            StartRound(process);
        }
    }

    public void Handle(int kind, object? target)
    {
        switch (kind)
        {
            case FlushEvent:
                var flushed = (Process)target!;
                flushed.FlushArmed = false;
                RoundIfDue(flushed);
                break;
            case WakeEvent:
                var woken = (Process)target!;
                woken.WakePending = false;
                RoundIfDue(woken);
                break;
            case ApplyEvent:
                Apply((Round)target!);
                break;
            case AnswerEvent:
                Answer((Round)target!);
                break;
            case BroadcastEvent:
                Broadcast((Pause)target!);
                break;
        }
    }

    private void StartRound(Process process)
    {
        FleetShare[] shares = [.. process.Enlisted];
        process.Enlisted.Clear();
        var reports = new FleetReport[shares.Length];
        for (int i = 0; i < shares.Length; i++)
        {
            reports[i] = shares[i].TakeReport();
        }

        process.Round = new Round(process, shares, reports, new double[shares.Length]);
        Rounds++;
        _scheduler.After(_latency, this, ApplyEvent, process.Round);
    }

    // In the store: the script runs each report on its bucket, atomically.
    private void Apply(Round round)
    {
        for (int i = 0; i < round.Shares.Length; i++)
        {
            FleetShare share = round.Shares[i];
            string key = Key(share.Client, share.Host.Authority);
            double? balance = _balances.TryGetValue(key, out double b) ? b : null;
            double next = Settings.NetFirst || Settings.EarningsWindow > TimeSpan.Zero
                ? WhatIf(key, balance, round.Reports[i], share.Capacity)
                : FleetBucket.Apply(balance, round.Reports[i], share.Capacity);
            _balances[key] = next;
            round.Balances[i] = next;
            Reports++;
            Spent += round.Reports[i].Spent;
            LowestBalance = Math.Min(LowestBalance, next);
        }

        _scheduler.After(_latency, this, AnswerEvent, round);
    }

    // The what-if rules: a cap that holds the fleet's recent earnings, and/or a report netted before it is capped.
    private double WhatIf(string key, double? balance, FleetReport report, int capacity)
    {
        double cap = capacity;
        if (Settings.EarningsWindow > TimeSpan.Zero)
        {
            long now = _scheduler.Now;
            (double sum, long at) = _earnings.GetValueOrDefault(key, (0, now));
            sum = (sum * Math.Exp(-(now - at) / (double)Settings.EarningsWindow.Ticks)) + report.Earned;
            _earnings[key] = (sum, now);
            cap = Math.Max(capacity, sum);
        }

        double start = balance ?? capacity;
        return Settings.NetFirst
            ? Math.Max(-capacity, Math.Min(cap, start + report.Earned - report.Spent))
            : Math.Max(-capacity, Math.Min(cap, start + report.Earned) - report.Spent);
    }

    private void Answer(Round round)
    {
        for (int i = 0; i < round.Shares.Length; i++)
        {
            round.Shares[i].Answered(round.Balances[i], Settings.LeaseSize, Settings.LeaseDuration);
            _leaseEnds[round.Shares[i]] = _scheduler.Now + Settings.LeaseDuration.Ticks;
        }

        Process process = round.Process;
        process.Round = null;
        if (process.Waiting.Count > 0)
        {
            Action[] resumed = [.. process.Waiting];
            process.Waiting.Clear();
            foreach (Action resume in resumed)
            {
                resume();
            }
        }

        if (process.Enlisted.Count == 0)
        {
            process.UrgentPending = false;
        }
        else if (process.UrgentPending)
        {
            process.UrgentPending = false;
            StartRound(process);
        }
        else
        {
            ArmFlush(process);
        }
    }

    private void Broadcast(Pause pause)
    {
        long now = _scheduler.Now;
        foreach (Process process in _processes)
        {
            if (process == pause.From)
            {
                continue;
            }

            foreach (FleetShare share in process.Shares)
            {
                if (share.Client == pause.Client && share.Host.Authority == pause.Authority)
                {
                    share.PauseReceived(TimeSpan.FromTicks(pause.End - now), pause.Source);
                }
            }
        }
    }

    // The process's loop ticks every FlushInterval at its own phase; only a tick with something enlisted is an event.
    private void ArmFlush(Process process)
    {
        if (process.FlushArmed)
        {
            return;
        }

        long now = _scheduler.Now;
        long ticks = (now - process.Phase + _flush - 1) / _flush;
        long next = process.Phase + (Math.Max(0, ticks) * _flush);
        if (next <= now)
        {
            next += _flush;
        }

        process.FlushArmed = true;
        _scheduler.At(next, this, FlushEvent, process);
    }

    // Processes start their loops at unrelated moments: a phase in [0, FlushInterval) fixed by the process's index.
    private long Phase(int process) => (long)(SeededRandom.Combine(process, 0x5702E) % (ulong)_flush);

    private static string Key(string client, string authority) => client + "|" + authority;

    private sealed class Process
    {
        public Process(SimulatedFleetStore backend, int index, long phase)
        {
            Store = new ProcessStore(backend, this);
            Index = index;
            Phase = phase;
        }

        /// <summary>Gets the process's own store client: what its shares enlist with, wake and publish through.</summary>
        public FleetStore Store { get; }

        public int Index { get; }

        public long Phase { get; }

        public List<FleetShare> Shares { get; } = new(1);

        public List<FleetShare> Enlisted { get; } = new(1);

        public List<Action> Waiting { get; } = [];

        public Round? Round { get; set; }

        public bool FlushArmed { get; set; }

        public bool WakePending { get; set; }

        public bool UrgentPending { get; set; }
    }

    // Each process has its own store client (and loop), as each process registers its own FleetStore; they share the backend.
    private sealed class ProcessStore(SimulatedFleetStore backend, Process owner) : FleetStore
    {
        private Process Owner => owner;

        public override void Enlist(FleetShare share, bool urgent) => backend.Enlist(Owner, share, urgent);

        public override void Wake() => backend.Wake(Owner);

        public override void Publish(FleetShare share, TimeSpan hold, WaitSource source) => backend.Publish(Owner, share, hold, source);
    }

    private sealed record Round(Process Process, FleetShare[] Shares, FleetReport[] Reports, double[] Balances);

    private sealed record Pause(Process From, string Client, string Authority, long End, WaitSource Source);
}
