namespace ResilientHttp;

/// <summary>What one process has to tell the fleet's bucket of one host since its last report.</summary>
/// <param name="Earned">The tokens its successful calls earned (each <see cref="RetryBudgetOptions.Ratio"/>).</param>
/// <param name="Spent">The retries and hedges it paid for from its lease.</param>
internal readonly record struct FleetReport(double Earned, int Spent)
{
    public bool IsEmpty => Earned == 0 && Spent == 0;
}
