using System.Globalization;
using System.Text;

namespace ResilientHttp.Simulator;

/// <summary>
/// Chooses the defaults by the sweep: every candidate runs in every world, and is judged world by world
/// against *no retries* in the same world (<see cref="WorldGoal"/>) and in the herd (<see cref="Goal.HerdIsMet"/>).
/// </summary>
internal static class Tuner
{
    /// <summary>Runs the candidates; results in the order given.</summary>
    public static IReadOnlyList<CandidateScore> Run(IReadOnlyList<FleetOutageSettings> worlds, IReadOnlyList<Candidate> candidates, ulong seed, int parallelism)
    {
        Policy none = Policies.NoRetries();
        Policy[] policies = [none, .. candidates.Select(c => c.ToPolicy())];
        IReadOnlyList<FleetOutageResult> fleet = Sweep.RunFleet(worlds, policies, parallelism);
        Dictionary<FleetOutageSettings, FleetOutageResult> baselines = fleet.Where(r => r.Policy == none.Name).ToDictionary(r => r.Settings);
        IReadOnlyList<HerdResult> herd = Sweep.RunHerd(seed, policies, parallelism);
        return
        [
            .. candidates.Select(c => new CandidateScore(
                c,
                [.. fleet.Where(r => r.Policy == c.Spec)],
                baselines,
                [.. herd.Where(h => h.Policy == c.Spec)])),
        ];
    }

    /// <summary>One line per candidate: worlds meeting each goal, N ≤ 1,000 then N = 10,000.</summary>
    public static string Summary(IReadOnlyList<CandidateScore> scores)
    {
        var text = new StringBuilder();
        text.Append("candidate | ").Append(string.Join(" | ", WorldGoal.All.Select(g => g.Name))).Append(" | herd | worlds missed (N ≤ 1,000) | shortfall\n");
        foreach (CandidateScore s in scores)
        {
            text.Append(s.Candidate.Spec);
            foreach (WorldGoal g in WorldGoal.All)
            {
                FleetOutageResult[] local = [.. s.Local(g)];
                FleetOutageResult[] beyond = [.. s.Beyond(g)];
                text.Append(CultureInfo.InvariantCulture, $" | {local.Count(r => s.Meets(g, r))}/{local.Length}");
                if (beyond.Length > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $" ({beyond.Count(r => s.Meets(g, r))}/{beyond.Length})");
                }
            }

            text.Append(CultureInfo.InvariantCulture, $" | {(s.HerdMet ? "met" : "missed")} | {s.LocalMisses} | {s.LocalShortfall:0.000}\n");
        }

        return text.ToString();
    }

    /// <summary>Every miss of one candidate, with its value and the baseline's.</summary>
    public static string Misses(CandidateScore s)
    {
        var text = new StringBuilder();
        foreach (FleetOutageResult r in s.Runs)
        {
            FleetOutageResult none = s.Baselines[r.Settings];
            foreach (WorldGoal g in WorldGoal.All.Where(g => g.Applies(r.Settings) && !g.IsMet(r, none)))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  {r.Settings}: {g.Name}: success {Format.Percent(r.SuccessFraction)} (none {Format.Percent(none.SuccessFraction)}), recovery {Format.Seconds(r.RecoverySeconds)} (none {Format.Seconds(none.RecoverySeconds)}), amplification {Format.Ratio(r.Amplification)}, peak {r.PeakOfferedAfterRecovery:0.000} C (none {none.PeakOfferedAfterRecovery:0.000} C)\n");
            }
        }

        foreach (HerdResult h in s.Herd.Where(h => !Goal.HerdIsMet(h)))
        {
            text.Append(CultureInfo.InvariantCulture, $"  herd {h.Settings}: {Format.Ratio(h.AttemptsPerClient)} sends, {Format.Percent(h.SuccessFraction)} done, 99% at {Format.Seconds(h.Seconds99)}\n");
        }

        return text.ToString();
    }
}
