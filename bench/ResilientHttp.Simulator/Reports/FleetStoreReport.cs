using System.Globalization;
using System.Text;

namespace ResilientHttp.Simulator;

/// <summary>
/// Writes docs/fleet-store.md: <i>library defaults + shared budget</i> (a fleet store, <see cref="SimulatedFleetStore"/>)
/// against <i>library defaults</i> and <i>no retries</i>, and the sweep of the store's settings the defaults were chosen by.
/// </summary>
internal sealed class FleetStoreReport(string outputDirectory, ulong seed, double capacity, int parallelism, Action<string> progress)
{
    /// <summary>The fleet size the shared budget is for, where the goal is judged.</summary>
    public const int LargeFleet = 10_000;

    /// <summary>The outage the goal is judged in.</summary>
    public const int GoalOutage = 30;

    private readonly StringBuilder _md = new();
    private IReadOnlyList<FleetOutageSettings> _worlds = [];
    private IReadOnlyList<FleetOutageResult> _baselines = [];
    private IReadOnlyList<FleetOutageResult> _detail = [];
    private IReadOnlyList<QuotaResult> _quota = [];
    private List<Score> _scores = [];
    private List<Score> _whatIf = [];

    /// <summary>Gets the settings swept: LeaseSize × LeaseDuration × FlushInterval × store latency.</summary>
    public static IReadOnlyList<FleetStoreSettings> Grid { get; } =
    [
        .. from latency in new[] { 0.5, 5 }
           from flush in new[] { 0.5, 1 }
           from duration in new[] { 1, 2, 5 }
           from lease in new[] { 1, 2, 4 }
           select new FleetStoreSettings(lease, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(flush), TimeSpan.FromMilliseconds(latency)),
    ];

    /// <summary>Gets the what-if rules (not the library's), each on the chosen settings: what a change of FleetBucket or FleetShare would give.</summary>
    public static IReadOnlyList<Func<FleetStoreSettings, FleetStoreSettings>> WhatIfs { get; } =
    [
        s => s with { EarningsWindow = TimeSpan.FromSeconds(1) },
        s => s with { EarningsWindow = TimeSpan.FromSeconds(1), NetFirst = true },
        s => s with { LeaseSize = 8, EarningsWindow = TimeSpan.FromSeconds(1) },
        s => s with { FlushInterval = TimeSpan.FromSeconds(0.1), EarningsWindow = TimeSpan.FromSeconds(1) },
    ];

    /// <summary>Gets the settings the sweep chose.</summary>
    public FleetStoreSettings Chosen { get; private set; } = FleetStoreSettings.Default;

    /// <summary>Gets the sweep's scores, best first.</summary>
    public IReadOnlyList<Score> Scores => _scores;

    /// <summary>Gets the worlds of the sweep: every fleet size, λ = 0.5, 0.7, 0.9 C, a 30 s black hole and fail-fast, and the transient-failure worlds.</summary>
    public static IReadOnlyList<FleetOutageSettings> SweepWorlds(IReadOnlyList<FleetOutageSettings> worlds) =>
        [.. worlds.Where(w => w.IsTransient || (w.OutageSeconds == GoalOutage && w.Mode is OutageMode.BlackHole or OutageMode.FailFast))];

    /// <summary>Runs the baselines, the sweep, the what-ifs, the detail of the chosen settings and the quota herd.</summary>
    public void Run(IReadOnlyList<FleetOutageSettings> worlds)
    {
        _worlds = SweepWorlds(worlds);
        progress($"Baselines: {_worlds.Count} worlds...");
        _baselines = Sweep.RunFleet(_worlds, [Policies.NoRetries(), Policies.LibraryDefaults()], parallelism);
        progress($"Sweep: {Grid.Count} settings × {_worlds.Count} worlds on {parallelism} threads...");
        _scores = [.. Rank(Grid.Select(Evaluate))];
        Chosen = _scores[0].Settings;
        progress($"Chosen {Chosen.Spec}; what-ifs...");
        _whatIf = [.. WhatIfs.Select(w => Evaluate(w(Chosen)))];

        // The chosen settings in every 30 s outage of the large fleet, brown-out included, and where they are the default.
        FleetOutageSettings[] large = [.. worlds.Where(w => w is { Clients: LargeFleet, OutageSeconds: GoalOutage, IsTransient: false, Shedding: false })];
        _detail = Sweep.RunFleet(large, [Policies.NoRetries(), Policies.LibraryDefaults(), Policies.LibraryDefaultsWithSharedBudget(Chosen)], parallelism);
        progress("Quota herd...");
        _quota = Sweep.RunQuota(seed, [Policies.LibraryDefaults(), Policies.LibraryDefaultsWithSharedBudget(Chosen)], parallelism);
    }

    /// <summary>
    /// Ranks scores: the goal at N = 10,000 met first, then the fewest per-world goals missed over the sweep's worlds, then
    /// the most of the lost calls recovered in the transient-failure worlds, then the fewest store rounds per call.
    /// </summary>
    public static IEnumerable<Score> Rank(IEnumerable<Score> scores) => scores
        .OrderByDescending(s => s.LargeFleetGoalMet)
        .ThenBy(s => s.GoalsMissed)
        .ThenByDescending(s => Math.Round(s.WorstTransientRecovered, 2))
        .ThenBy(s => s.RoundsPerCall);

    /// <summary>Runs one set of store settings in the sweep's worlds and scores it.</summary>
    public Score Evaluate(FleetStoreSettings settings)
    {
        IReadOnlyList<FleetOutageResult> runs = Sweep.RunFleet(_worlds, [Policies.LibraryDefaultsWithSharedBudget(settings)], parallelism);
        return Score.Of(settings, runs, _baselines.Where(b => b.Policy == Policies.NoRetriesName).ToDictionary(b => b.Settings));
    }

    /// <summary>Writes fleet-store.md.</summary>
    public void Write()
    {
        Directory.CreateDirectory(outputDirectory);
        Header();
        LargeFleetSection();
        SweepSection();
        TransientSection();
        WhatIfSection();
        QuotaSection();
        File.WriteAllText(Path.Combine(outputDirectory, "fleet-store.md"), _md.ToString());
    }

    private void Line(string text = "") => _md.Append(text).Append('\n');

    private void Header()
    {
        Line("# Fleet store: a retry budget shared by the whole fleet");
        Line();
        Line("Generated by the fleet simulator; do not edit by hand. To regenerate (about 10 minutes on this 2-core machine):");
        Line();
        Line("```");
        Line("dotnet run -c Release --project bench/ResilientHttp.Simulator -- --fleet-store docs");
        Line("```");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Seed {seed}, C = {capacity:0} attempts/s; the worlds, metrics and goals are those of [fleet-safety.md](fleet-safety.md). Other settings in the same worlds:"));
        Line("`--fleet-try \"L=2,D=5,F=1,lat=0.5;L=4,D=2\" [--clients 10000] [--loads 0.7] [--outages 30]`.");
        Line();
        Line("**Why.** A retry budget kept per process bounds each process, not the fleet: at N = 10,000 each client makes fewer than one");
        Line("call a second, its bucket (Capacity 3) stays full, and the fleet holds 30,000 retries it can spend at once when the server");
        Line("fails. *library defaults* amplify 1.3–1.6× there. **The fleet store** (`FleetStore`, the `ResilientHttp.Redis` package)");
        Line("keeps one bucket of one client's size per client name and host for the whole fleet (`FleetBucket.Apply`), and each");
        Line("process retries only from a small lease of it (`FleetShare`), as well as from its own bucket.");
        Line();
        Line("**The model** (`bench/ResilientHttp.Simulator/Fleet/SimulatedFleetStore.cs`): the library's own `FleetShare`, `FleetBucket`,");
        Line("`RetryBudget` and `RetryLoop`; only the store and its I/O are modelled. Each process has the store's background loop: every");
        Line("**FlushInterval** (F; each process at its own phase) it takes the report (`TakeReport`) of each of its enlisted shares; an");
        Line("urgent enlist (a lease spent or stale, or a retry waiting) starts that round at once; one round is in flight per process. The reports reach the");
        Line("store one **store latency** later, where `FleetBucket.Apply` runs on the fleet's balance, and the answer reaches the share");
        Line("one latency after that: `Answered(balance, LeaseSize, LeaseDuration)`, a lease of `min(LeaseSize, ⌊balance⌋)` retries (L)");
        Line("valid for **LeaseDuration** (D). A published pause (`Publish`) reaches every other process's share two latencies later");
        Line("(`PauseReceived`). The store never fails here (`Lost` is not exercised), and the bucket never expires.");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"**Chosen defaults: LeaseSize = {Chosen.LeaseSize}, LeaseDuration = {Chosen.LeaseDuration.TotalSeconds:0.#} s, FlushInterval = {Chosen.FlushInterval.TotalSeconds:0.#} s** (measured at a store latency of {Chosen.Latency.TotalMilliseconds:0.#} ms;"));
        Line("see [the sweep](#the-sweep) for how, and [a stale lease](#a-stale-lease-and-the-buckets-rule) for the rule that makes retries work at N = 10,000).");
        Line();
    }

    private void LargeFleetSection()
    {
        Line(string.Create(CultureInfo.InvariantCulture, $"## N = 10,000, T = 30 s: *{Policies.SharedBudgetName}* ({Chosen.Spec})"));
        Line();
        Line("| λ | mode | policy | amplification | success | recovery | peak offered after (÷C) | wasted | store rounds per call |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (FleetOutageResult r in _detail.OrderBy(r => r.Settings.Load).ThenBy(r => r.Settings.Mode))
        {
            string name = r.Policy.StartsWith(Policies.SharedBudgetName, StringComparison.Ordinal) ? $"**{Policies.SharedBudgetName}**" : r.Policy;
            string rounds = r.StoreRounds == 0 ? "–" : Format.Ratio(r.StoreRounds / (double)Math.Max(1, CallsInRun(r)));
            Line($"| {r.Settings.Load:0.0} C | {r.Settings.Mode} | {name} | {Format.Ratio(r.Amplification)} | {Format.Percent(r.SuccessFraction)} | {Format.Seconds(r.RecoverySeconds)} | {r.PeakOfferedAfterRecovery:0.000} | {Format.Percent(r.WastedFraction)} | {rounds} |");
        }

        Line();
        Line("Store rounds per call: rounds over the whole run ÷ the calls of the whole run (the store's load; each round is one");
        Line("request to the store and its answer).");
        Line();
    }

    private void SweepSection()
    {
        Line("## The sweep");
        Line();
        Line($"{Grid.Count} settings (L ∈ {{1, 2, 4}} × D ∈ {{1, 2, 5}} s × F ∈ {{0.5, 1}} s × store latency ∈ {{0.5, 5}} ms), each in {_worlds.Count} worlds:");
        Line("N = 10, 100, 1,000 and 10,000, λ = 0.5, 0.7, 0.9 C, a 30 s black hole and a 30 s fail-fast outage, and the 1% and 5%");
        Line("transient-failure worlds. **N = 10,000 goal**: amplification ≤ 1.2 and recovery ≤ *no retries* + 2 s in each of the six");
        Line("30 s outages at N = 10,000. **Goals missed**: the per-world goals of fleet-safety.md (against *no retries*: success ≥ − 1");
        Line("point, recovery ≤ + 2 s, peak ≤ 1.0 C or *no retries*' own, ≥ 90% of the calls *no retries* loses recovered in the transient");
        Line("worlds), and amplification ≤ 1.2 at every N, counted over all the worlds. Ranked by the N = 10,000 goal, then the goals");
        Line("missed, then the transient worlds' worst recovered share, then store rounds per call (cheaper first).");
        Line();
        Line("| rank | L | D | F | latency | N = 10,000 goal | amplification, N = 10,000 (worst) | recovery − no retries, N = 10,000 (worst) | success − no retries, N = 10,000 (worst) | goals missed | transient: recovered (worst N) | store rounds per call | lowest balance |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        int rank = 0;
        foreach (Score s in _scores)
        {
            rank++;
            Line(Row(rank.ToString(CultureInfo.InvariantCulture), s));
        }

        Line();
        Line("Goals missed, by world, for the chosen settings:");
        Line();
        Score chosen = _scores[0];
        if (chosen.Misses.Count == 0)
        {
            Line("- none");
        }

        foreach (string miss in chosen.Misses)
        {
            Line($"- {miss}");
        }

        Line();
    }

    private static string Row(string rank, Score s) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {rank} | {s.Settings.LeaseSize} | {s.Settings.LeaseDuration.TotalSeconds:0.#} s | {s.Settings.FlushInterval.TotalSeconds:0.#} s | {s.Settings.Latency.TotalMilliseconds:0.#} ms | {Format.Mark(s.LargeFleetGoalMet)} | {Format.Ratio(s.LargeAmplification)} | {SignedSeconds(s.LargeRecoveryExcess)} | {SignedPoints(s.LargeSuccessExcess)} | {s.GoalsMissed} | {Format.Percent(s.WorstTransientRecovered)} | {Format.Ratio(s.RoundsPerCall)} | {s.LowestBalance:0.##} |");

    private void TransientSection()
    {
        Line("## Transient failures: do retries still do their job?");
        Line();
        Line("Success, λ = 0.7 C, no outage; *no retries* / *library defaults* / the chosen settings, and the share of the calls *no retries*");
        Line("loses that the chosen settings recovered (goal ≥ 90%).");
        Line();
        Line("| world | no retries | library defaults | shared budget | recovered |");
        Line("| --- | --- | --- | --- | --- |");
        Score chosen = _scores[0];
        foreach (FleetOutageResult r in chosen.Runs.Where(r => r.Settings.IsTransient))
        {
            FleetOutageResult none = Baseline(r.Settings, Policies.NoRetriesName);
            FleetOutageResult ours = Baseline(r.Settings, Policies.LibraryDefaultsName);
            Line($"| {r.Settings} | {Format.Percent(none.SuccessFraction)} | {Format.Percent(ours.SuccessFraction)} | {Format.Percent(r.SuccessFraction)} | {Format.Percent(WorldGoal.Recovered(r, none))} |");
        }

        Line();
    }

    private void WhatIfSection()
    {
        Line("## A stale lease, and the bucket's rule");
        Line();
        Line("At N = 10,000 a process makes a call every ~14 s, so its lease (D ≤ 5 s after its last answer) is almost always stale");
        Line("when a call fails. Refusing that retry (an earlier `FleetShare` rule) recovered only about a third of the calls *no retries*");
        Line("loses in the transient-failure worlds, whatever the settings. The library's rule: `TryTake` answers *Pending* on a stale");
        Line("lease and asks the store; `RetryLoop` steps to `LoopAction.Ask`, the handler waits for the answer with the response still");
        Line("in hand (one round trip: 2 × latency, plus a round in flight; at most `FleetOptions.StoreTimeout`, after which the process's");
        Line("own budget decides), and the loop decides the same outcome again on fresh news. That is what the tables above measure.");
        Line("The what-ifs **cap=W** (the bucket holds up to `max(capacity, the earnings reported over the last W s)`) and **net** (a report");
        Line("netted before it is capped) test the bucket's rule: with `Apply` spending first and then earning up to the capacity,");
        Line("they add a few points of transient recovery and change no goal.");
        Line();
        Line("Each what-if on the chosen settings, in the sweep's worlds (the same columns):");
        Line();
        Line("| what-if | N = 10,000 goal | amplification, N = 10,000 (worst) | recovery − no retries, N = 10,000 (worst) | success − no retries, N = 10,000 (worst) | goals missed | transient: recovered (worst N) | store rounds per call | lowest balance |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (Score s in new[] { _scores[0] }.Concat(_whatIf))
        {
            string row = Row("x", s);
            Line($"| `{s.Settings.Spec}` " + row[NthBar(row, 6)..]);
        }

        Line();
        foreach (Score s in _whatIf.Where(s => s.Misses.Count > 0))
        {
            Line($"- `{s.Settings.Spec}` misses: {string.Join("; ", s.Misses)}");
        }

        Line();
    }

    private void QuotaSection()
    {
        Line("## Quota herd with shared pauses");
        Line();
        Line("The quota herd of fleet-safety.md (100 clients, 20 calls each, a fixed-window quota that says when it is spent), with the");
        Line("store's pauses: a `Retry-After` or a spent quota's reset one process is told of is published (`PauseRecorded` → `Publish`)");
        Line("and held by every other process two store latencies later. The model sends a pause only when it ends later than the last one");
        Line("sent for that client name and host (the others already hold one at least as long).");
        Line();
        Line("| quota | policy | 429s per call | success | sends per call | waited per call | all done at |");
        Line("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (QuotaResult r in _quota)
        {
            Line($"| {r.Settings} | {r.Policy} | {Format.Ratio(r.TooManyRequestsPerCall)} | {Format.Percent(r.SuccessFraction)} | {Format.Ratio(r.SendsPerCall)} | {Format.Number(r.WaitSecondsPerCall)} s | {(double.IsPositiveInfinity(r.DoneSeconds) ? "∞" : Format.Number(r.DoneSeconds) + " s")} |");
        }

        Line();
        Line("With a quota per client (each process its own key), a pause is not the fleet's: publishing it holds every other process");
        Line("for a quota it has not spent. The store's pauses fit a quota the fleet shares (one API key, one overloaded server); for");
        Line("quotas kept per process (per key or per address), `FleetOptions.SharePauses = false` keeps each pause in its process.");
        Line();
    }

    private FleetOutageResult Baseline(FleetOutageSettings world, string policy) => _baselines.First(b => b.Settings == world && b.Policy == policy);

    private static long CallsInRun(FleetOutageResult r) => (long)Math.Round(r.Settings.Load * r.Settings.Capacity * r.Settings.RunSeconds);

    private static int NthBar(string row, int n)
    {
        int at = -1;
        for (int i = 0; i < n; i++)
        {
            at = row.IndexOf('|', at + 1);
        }

        return at;
    }

    private static string SignedSeconds(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : (value >= 0 ? "+" : string.Empty) + value.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static string SignedPoints(double value) =>
        (value >= 0 ? "+" : string.Empty) + (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " pt";

    /// <summary>One set of store settings over the sweep's worlds.</summary>
    internal sealed record Score(
        FleetStoreSettings Settings,
        IReadOnlyList<FleetOutageResult> Runs,
        bool LargeFleetGoalMet,
        double LargeAmplification,
        double LargeRecoveryExcess,
        double LargeSuccessExcess,
        int GoalsMissed,
        IReadOnlyList<string> Misses,
        double WorstTransientRecovered,
        double RoundsPerCall,
        double LowestBalance)
    {
        public static Score Of(FleetStoreSettings settings, IReadOnlyList<FleetOutageResult> runs, IReadOnlyDictionary<FleetOutageSettings, FleetOutageResult> none)
        {
            FleetOutageResult[] large = [.. runs.Where(r => r.Settings is { Clients: LargeFleet, IsTransient: false })];
            var misses = new List<string>();
            foreach (FleetOutageResult r in runs)
            {
                FleetOutageResult baseline = none[r.Settings];
                IEnumerable<string> missed = WorldGoal.All.Skip(1).Take(2).Append(WorldGoal.All[^1]).Prepend(WorldGoal.Transient)
                    .Where(g => g.Applies(r.Settings) && !g.IsMet(r, baseline)).Select(g => g.Name);
                if (r.Amplification > 1.2)
                {
                    missed = missed.Append("amplification ≤ 1.2");
                }

                misses.AddRange(missed.Select(m => $"{r.Settings}: {m}"));
            }

            double rounds = runs.Sum(r => (double)r.StoreRounds) / Math.Max(1, runs.Sum(r => (double)CallsInRun(r)));
            return new Score(
                settings,
                runs,
                large.All(r => r.Amplification <= 1.2 && r.RecoverySeconds <= none[r.Settings].RecoverySeconds + 2),
                large.Max(r => r.Amplification),
                large.Max(r => r.RecoverySeconds - none[r.Settings].RecoverySeconds),
                large.Min(r => r.SuccessFraction - none[r.Settings].SuccessFraction),
                misses.Count,
                misses,
                runs.Where(r => r.Settings.IsTransient).Select(r => WorldGoal.Recovered(r, none[r.Settings])).DefaultIfEmpty(1).Min(),
                rounds,
                runs.Min(r => r.StoreLowestBalance));
        }
    }
}
