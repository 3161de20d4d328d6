namespace ResilientHttp.Simulator;

/// <summary>A check that the simulator can show a storm: if it fails, the model is too kind to prove anything.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Evidence">The numbers behind it.</param>
internal sealed record ControlCheck(string Name, bool Passed, string Evidence)
{
    /// <summary>No budget, λ = 0.7 C: after a black hole or brown-out of 30 s or more, the fleet stays down.</summary>
    public static ControlCheck NoBudgetStaysDown(IReadOnlyList<FleetOutageResult> results)
    {
        FleetOutageResult[] runs =
        [
            .. results.Where(r => r.Policy == "default retry, no budget" && r.Settings.Load == 0.7 &&
                                  r.Settings.Mode is OutageMode.BlackHole or OutageMode.BrownOut && r.Settings.OutageSeconds >= 30),
        ];
        int down = runs.Count(r => !r.Recovered);
        return new ControlCheck(
            "default retry without budget, λ = 0.7 C, black hole or brown-out, T ≥ 30 s: the fleet stays down (metastable)",
            runs.Length > 0 && down == runs.Length,
            $"{down} of {runs.Length} runs never recovered within 120 s of the outage's end");
    }

    /// <summary>
    /// Immediate retries without a budget under a 120 s black hole, at λ ≥ 0.7 C: amplification ≥ 3.5. At 0.5 C the
    /// fleet recovers after the outage, so the 60 s after it dilute the ratio; the evidence gives that value too.
    /// </summary>
    public static ControlCheck ImmediateRetriesAmplify(IReadOnlyList<FleetOutageResult> results)
    {
        FleetOutageResult[] all = [.. results.Where(r => r.Policy == "immediate" && r.Settings.Mode == OutageMode.BlackHole && r.Settings.OutageSeconds == 120)];
        FleetOutageResult[] runs = [.. all.Where(r => r.Settings.Load >= 0.7)];
        FleetOutageResult[] light = [.. all.Where(r => r.Settings.Load < 0.7)];
        double least = runs.Length == 0 ? 0 : runs.Min(r => r.Amplification);
        string lightNote = light.Length == 0 ? string.Empty : $"; at λ = 0.5 C (not part of the check) it is {light.Min(r => r.Amplification):0.00}, because that fleet recovers and the window's last 60 s are healthy";
        return new ControlCheck(
            "immediate retries without budget, black hole, T = 120 s, λ = 0.7 and 0.9 C: amplification ≥ 3.5",
            runs.Length > 0 && least >= 3.5,
            $"lowest amplification over {runs.Length} runs (every N): {least:0.00}{lightNote}");
    }

    /// <summary>Un-jittered policies in the herd stay in lockstep: fewer than 70% of clients done within 30 sends.</summary>
    public static ControlCheck UnjitteredHerdStaysInLockstep(IReadOnlyList<HerdResult> results, IReadOnlyList<Policy> policies)
    {
        HashSet<string> unjittered = [.. policies.Where(p => p.Retries && !p.IsJittered).Select(p => p.Name)];
        HerdResult[] runs = [.. results.Where(r => unjittered.Contains(r.Policy))];
        double most = runs.Length == 0 ? 1 : runs.Max(r => r.DoneWithinCapFraction);
        return new ControlCheck(
            "un-jittered policies in the herd: < 70% of clients done after 30 sends",
            runs.Length > 0 && most < 0.7,
            $"most clients done within 30 sends, over {runs.Length} un-jittered runs: {most:P1}");
    }
}
