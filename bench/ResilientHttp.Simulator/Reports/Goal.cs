namespace ResilientHttp.Simulator;

/// <summary>The herd's goals (the fleet's are <see cref="WorldGoal"/>).</summary>
internal static class Goal
{
    /// <summary>Whether a jittered policy meets the herd goals: all done, ≤ 6.5 sends each, 99% done within 12 s.</summary>
    public static bool HerdIsMet(HerdResult result) =>
        result.SuccessFraction >= 1 && result.AttemptsPerClient <= 6.5 && result.Seconds99 <= 12;
}
