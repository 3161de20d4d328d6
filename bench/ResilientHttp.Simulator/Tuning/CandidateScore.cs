namespace ResilientHttp.Simulator;

/// <summary>How one candidate did over the sweep: per goal, the worlds met and missed, and the herd.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Runs">Its run in every world.</param>
/// <param name="Baselines">*No retries* in every world, by world.</param>
/// <param name="Herd">Its herd runs, with and without <c>Retry-After</c>.</param>
internal sealed record CandidateScore(
    Candidate Candidate,
    IReadOnlyList<FleetOutageResult> Runs,
    IReadOnlyDictionary<FleetOutageSettings, FleetOutageResult> Baselines,
    IReadOnlyList<HerdResult> Herd)
{
    /// <summary>Gets the runs a goal applies to in fleets local state must protect (N ≤ 1,000).</summary>
    public IEnumerable<FleetOutageResult> Local(WorldGoal goal) =>
        Runs.Where(r => r.Settings.Clients <= WorldGoal.LocalFleetLimit && goal.Applies(r.Settings));

    /// <summary>Gets the runs of fleets beyond local state's reach (N > 1,000).</summary>
    public IEnumerable<FleetOutageResult> Beyond(WorldGoal goal) =>
        Runs.Where(r => r.Settings.Clients > WorldGoal.LocalFleetLimit && goal.Applies(r.Settings));

    public bool Meets(WorldGoal goal, FleetOutageResult run) => goal.IsMet(run, Baselines[run.Settings]);

    /// <summary>Gets the worlds with N ≤ 1,000 where some goal is missed.</summary>
    public int LocalMisses => Runs.Count(r => r.Settings.Clients <= WorldGoal.LocalFleetLimit &&
                                              WorldGoal.All.Any(g => g.Applies(r.Settings) && !Meets(g, r)));

    /// <summary>Gets the herd runs that miss the herd goals.</summary>
    public int HerdMisses => Herd.Count(h => !Goal.HerdIsMet(h));

    /// <summary>Gets every miss that counts: worlds with N ≤ 1,000 missing a goal, and herd runs missing theirs.</summary>
    public int Misses => LocalMisses + HerdMisses;

    /// <summary>Gets whether retries still do their job: the herd's goals met, and the transient failures recovered in every world.</summary>
    public bool DoesItsJob => HerdMet && Local(WorldGoal.Transient).All(r => Meets(WorldGoal.Transient, r));

    /// <summary>Gets the total shortfall over N ≤ 1,000, to rank candidates that miss the same number of worlds.</summary>
    public double LocalShortfall => WorldGoal.All.Sum(g => Local(g).Sum(r => g.Shortfall(r, Baselines[r.Settings])));

    public bool HerdMet => Herd.All(Goal.HerdIsMet);
}
