namespace ResilientHttp.Simulator;

/// <summary>
/// The cross product of worlds and policies, run in parallel. Each run has its own seed, derived from the
/// sweep's seed and the world alone, so results never depend on which thread ran what, or in what order.
/// </summary>
internal static class Sweep
{
    public static IReadOnlyList<int> ClientCounts { get; } = [10, 100, 1_000, 10_000];

    public static IReadOnlyList<double> Loads { get; } = [0.5, 0.7, 0.9];

    public static IReadOnlyList<int> OutageSeconds { get; } = [1, 5, 10, 30, 120];

    public static IReadOnlyList<OutageMode> Modes { get; } = [OutageMode.FailFast, OutageMode.BlackHole, OutageMode.BrownOut];

    /// <summary>The shares of attempts that fail independently in the transient-failure worlds.</summary>
    public static IReadOnlyList<double> TransientFailureRates { get; } = [0.01, 0.05];

    /// <summary>Every fleet-outage world, with its seed, then the transient-failure worlds (no outage, λ = 0.7 C).</summary>
    public static IReadOnlyList<FleetOutageSettings> FleetWorlds(ulong seed, double capacity) =>
    [
        .. from n in ClientCounts
           from load in Loads
           from t in OutageSeconds
           from mode in Modes
           select new FleetOutageSettings(n, load, t, mode, SeededRandom.Combine((long)seed, n, (long)(load * 100), t, (long)mode)) { Capacity = capacity },
        .. from n in ClientCounts
           from p in TransientFailureRates
           select new FleetOutageSettings(n, 0.7, 0, OutageMode.FailFast, SeededRandom.Combine((long)seed, n, 70, (long)(p * 1000), 99)) { Capacity = capacity, TransientFailureRate = p },
    ];

    /// <summary>Gets the policies run against the shedding server: the defaults, and sending each call once.</summary>
    public static IReadOnlyList<Policy> SheddingPolicies { get; } = [Policies.NoRetries(), Policies.LibraryDefaults()];

    /// <summary>Gets the policies run in the quota herd: sending once (with and without P1), and the defaults with and without P1.</summary>
    public static IReadOnlyList<Policy> QuotaPolicies { get; } =
    [
        Policies.NoRetriesIgnoringRateLimitHeaders(),
        Policies.NoRetries(),
        Policies.LibraryDefaultsIgnoringRateLimitHeaders(),
        Policies.LibraryDefaults(),
    ];

    /// <summary>
    /// The brown-outs among <paramref name="worlds"/> again, each with the same seed (the same calls at the same moments)
    /// but a server that sheds the attempts whose sender's time ran out.
    /// </summary>
    public static IReadOnlyList<FleetOutageSettings> SheddingWorlds(IReadOnlyList<FleetOutageSettings> worlds) =>
        [.. worlds.Where(w => w is { IsTransient: false, Mode: OutageMode.BrownOut, Shedding: false }).Select(w => w with { Shedding = true })];

    /// <summary>Runs every policy in every world; results in world order, then policy order.</summary>
    public static IReadOnlyList<FleetOutageResult> RunFleet(IReadOnlyList<FleetOutageSettings> worlds, IReadOnlyList<Policy> policies, int parallelism)
    {
        var jobs = (from world in worlds from policy in policies select (world, policy)).ToArray();
        var results = new FleetOutageResult[jobs.Length];

        // Longest first, so that the last runs do not leave a core idle.
        int[] order = [.. Enumerable.Range(0, jobs.Length).OrderByDescending(i => jobs[i].world.RunSeconds * jobs[i].world.Load).ThenBy(i => i)];
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = FleetOutageScenario.Run(jobs[i].world, jobs[i].policy));
        return results;
    }

    /// <summary>Runs every retrying policy in the herd, with and without <c>Retry-After</c>.</summary>
    public static IReadOnlyList<HerdResult> RunHerd(ulong seed, IReadOnlyList<Policy> policies, int parallelism)
    {
        var jobs = (from retryAfter in new[] { true, false }
                    from policy in policies.Where(p => p.Retries)
                    select (new HerdSettings(retryAfter, SeededRandom.Combine((long)seed, retryAfter ? 1 : 0)), policy)).ToArray();
        var results = new HerdResult[jobs.Length];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = HerdScenario.Run(jobs[i].Item1, jobs[i].policy));
        return results;
    }

    /// <summary>Runs the policies in the quota herd, with a quota per client and with one for the fleet.</summary>
    public static IReadOnlyList<QuotaResult> RunQuota(ulong seed, IReadOnlyList<Policy> policies, int parallelism)
    {
        var jobs = (from scope in new[] { QuotaScope.PerClient, QuotaScope.Shared }
                    from policy in policies
                    select (new QuotaSettings(scope, SeededRandom.Combine((long)seed, 17, (long)scope)), policy)).ToArray();
        var results = new QuotaResult[jobs.Length];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = QuotaScenario.Run(jobs[i].Item1, jobs[i].policy));
        return results;
    }
}
