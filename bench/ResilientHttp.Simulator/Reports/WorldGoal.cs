namespace ResilientHttp.Simulator;

/// <summary>
/// One goal the library's defaults must meet in every world, judged against sending each call once (*no retries*)
/// in that same world: retries, budget and breaker together must never leave callers worse off than no retries.
/// </summary>
/// <param name="Name">What the goal says.</param>
/// <param name="Applies">Whether the goal applies to a world.</param>
/// <param name="IsMet">Whether a result meets it, given the result of *no retries* in the same world.</param>
/// <param name="Shortfall">How far a result is from the goal (0 when met), for ranking candidates.</param>
internal sealed record WorldGoal(
    string Name,
    Func<FleetOutageSettings, bool> Applies,
    Func<FleetOutageResult, FleetOutageResult, bool> IsMet,
    Func<FleetOutageResult, FleetOutageResult, double> Shortfall)
{
    /// <summary>The share of the calls that no retries loses which a policy made succeed.</summary>
    public static double Recovered(FleetOutageResult r, FleetOutageResult none) =>
        none.SuccessFraction >= 1 ? 1 : (r.SuccessFraction - none.SuccessFraction) / (1 - none.SuccessFraction);

    /// <summary>The fleet size up to which local state is expected to meet every goal; beyond it is the fleet-wide store's job.</summary>
    public const int LocalFleetLimit = 1_000;

    /// <summary>Gets the goal that retries still do their job: a low background of independent failures is what they are for.</summary>
    public static WorldGoal Transient { get; } = new("transient failures: recover ≥ 90% of the calls no retries loses", s => s.IsTransient,
        (r, none) => Recovered(r, none) >= 0.9,
        (r, none) => Math.Max(0, 0.9 - Recovered(r, none)));

    /// <summary>Gets the per-world goals.</summary>
    public static IReadOnlyList<WorldGoal> All { get; } =
    [
        Transient,
        new("success ≥ no retries − 1 point", _ => true,
            (r, none) => r.SuccessFraction >= none.SuccessFraction - 0.01,
            (r, none) => Math.Max(0, none.SuccessFraction - 0.01 - r.SuccessFraction)),
        new("recovery ≤ no retries + 2 s", _ => true,
            (r, none) => r.RecoverySeconds <= none.RecoverySeconds + 2,
            (r, none) => Math.Max(0, Math.Min(r.RecoverySeconds, 200) - Math.Min(none.RecoverySeconds, 200) - 2) / 100),
        new("amplification ≤ 1.2 (N ≤ 1,000)", s => s.Clients <= LocalFleetLimit,
            (r, _) => r.Amplification <= 1.2,
            (r, _) => Math.Max(0, r.Amplification - 1.2)),
        // Judged against no retries too: at λ = 0.9 C the first sends alone reach 1.0 C in some second of some worlds
        // (Poisson noise), so no policy could meet 1.0 C there; retries must not add to such a peak.
        new("peak offered after recovery ≤ 1.0 C (or no retries' peak)", _ => true,
            (r, none) => r.PeakOfferedAfterRecovery <= Math.Max(1.0, none.PeakOfferedAfterRecovery),
            (r, none) => Math.Max(0, r.PeakOfferedAfterRecovery - Math.Max(1.0, none.PeakOfferedAfterRecovery))),
    ];
}
