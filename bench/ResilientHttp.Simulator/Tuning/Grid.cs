namespace ResilientHttp.Simulator;

/// <summary>
/// The candidates the sweep chooses the defaults from, in three stages: the breaker's lengths and threshold first (with
/// a small budget), then the break's spread, then the budget's settings with the best breaker. A full cross product would take hours on two cores.
/// </summary>
internal static class Grid
{
    public static IReadOnlyList<double> BreakDurations { get; } = [0.25, 0.5, 1, 2, 5];

    public static IReadOnlyList<double> JitterFactors { get; } = [0, 0.2, 0.5];

    public static IReadOnlyList<int> FailureThresholds { get; } = [5, 10, 20];

    public static IReadOnlyList<int> Capacities { get; } = [3, 5, 10, 20];

    public static IReadOnlyList<double> Ratios { get; } = [0.02, 0.03, 0.05, 0.07, 0.1];

    /// <summary>The budget the breaker's stage runs with.</summary>
    public static (int Capacity, double Ratio) StageOneBudget { get; } = (3, 0.1);

    /// <summary>Stage 1: the breaker's lengths and threshold. The longest break is the first, twice it, or four times it.</summary>
    public static IReadOnlyList<Candidate> Breakers() =>
    [
        .. from b in BreakDurations
           from growth in new[] { 1.0, 2, 4 }
           from f in FailureThresholds
           select new Candidate(b, b * growth, 0.2, f, StageOneBudget.Capacity, StageOneBudget.Ratio),
    ];

    /// <summary>Stage 2: the break's spread, with the breaker stage 1 chose.</summary>
    public static IReadOnlyList<Candidate> Jitters(Candidate breaker) =>
        [.. JitterFactors.Select(j => breaker with { BreakJitterFactor = j })];

    /// <summary>Stage 3: the budget, with the breaker stages 1 and 2 chose.</summary>
    public static IReadOnlyList<Candidate> Budgets(Candidate breaker) =>
    [
        .. from c in Capacities
           from r in Ratios
           select breaker with { Capacity = c, Ratio = r },
    ];

    /// <summary>
    /// Orders candidates best first. Retries must still do their job, so a candidate that meets the herd's goals and
    /// the transient-failure goal in every world comes before any that does not; then the fewest misses (worlds with
    /// N ≤ 1,000 and herd runs), then the least shortfall.
    /// </summary>
    public static IEnumerable<CandidateScore> Ranked(IEnumerable<CandidateScore> scores) =>
        scores.OrderBy(s => s.DoesItsJob ? 0 : 1).ThenBy(s => s.Misses).ThenBy(s => s.LocalShortfall);
}
