namespace ResilientHttp;

/// <summary>
/// The arithmetic of the fleet's shared bucket for one client name and host, kept in the store and applied there
/// atomically (the Redis package runs the same steps as a script; its tests hold the two to each other). The
/// fleet's bucket has one client's size: the whole fleet may retry as much as one client may, plus what its
/// successful calls earn.
/// </summary>
internal static class FleetBucket
{
    /// <summary>Applies one process's report to the bucket.</summary>
    /// <param name="balance">The bucket's balance, or <see langword="null"/> for a bucket the store does not hold (new or expired): full.</param>
    /// <param name="report">The process's report.</param>
    /// <param name="capacity">The bucket's size (<see cref="RetryBudget.CapacityFor"/>).</param>
    /// <returns>
    /// The new balance: the spending first, then the earnings, up to the capacity. A report sums a while of calls, so
    /// what its successes earned pays for the retries of the same while before the cap cuts it (earnings first would
    /// lose every token above the cap, and with one client's cap for a whole busy fleet that is most of them). Leases
    /// are granted optimistically, so the fleet can overspend; the debt is kept down to −capacity, so that a long
    /// outage's spending does not hold retries off for longer after it than the fleet needs to earn one bucket back.
    /// </returns>
    public static double Apply(double? balance, FleetReport report, int capacity)
    {
        double spent = Math.Max(-capacity, (balance ?? capacity) - report.Spent);
        return Math.Min(capacity, spent + report.Earned);
    }

    /// <summary>Gets the lease a process is granted on a balance: whole tokens, at most <paramref name="leaseSize"/>, none from an empty or indebted bucket.</summary>
    public static int Lease(double balance, int leaseSize) =>
        balance < 1 ? 0 : (int)Math.Min(leaseSize, Math.Floor(balance));
}
