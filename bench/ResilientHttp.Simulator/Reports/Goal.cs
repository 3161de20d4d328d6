namespace ResilientHttp.Simulator;

/// <summary>One goal the library's defaults should meet in a fleet outage.</summary>
/// <param name="Name">What the goal says.</param>
/// <param name="Applies">Whether the goal applies to a world.</param>
/// <param name="IsMet">Whether a result meets it.</param>
internal sealed record Goal(string Name, Func<FleetOutageSettings, bool> Applies, Func<FleetOutageResult, bool> IsMet)
{
    /// <summary>Gets the fleet-outage goals.</summary>
    public static IReadOnlyList<Goal> Fleet { get; } =
    [
        new("amplification ≤ 1.2", _ => true, r => r.Amplification <= 1.2),
        new("peak offered load after recovery ≤ 1.0 C", _ => true, r => r.PeakOfferedAfterRecovery <= 1.0),
        new("recovery ≤ 10 s (≤ 20 s for T = 5 s)", _ => true, r => r.RecoverySeconds <= (r.Settings.OutageSeconds == 5 ? 20 : 10)),
        new("≥ 80% of requests succeed (T = 30 s)", s => s.OutageSeconds == 30, r => r.SuccessFraction >= 0.8),
        new("wasted work ≤ 7%", _ => true, r => r.WastedFraction <= 0.07),
    ];

    /// <summary>Whether a jittered policy meets the herd goals: all done, ≤ 6.5 sends each, 99% done within 12 s.</summary>
    public static bool HerdIsMet(HerdResult result) =>
        result.SuccessFraction >= 1 && result.AttemptsPerClient <= 6.5 && result.Seconds99 <= 12;
}
