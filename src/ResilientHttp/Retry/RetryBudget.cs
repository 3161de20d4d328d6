namespace ResilientHttp;

/// <summary>
/// R9: a token bucket for one client name and host. It starts full; each successful call adds
/// <see cref="RetryBudgetOptions.Ratio"/> up to <see cref="RetryBudgetOptions.Capacity"/>; a retry costs one
/// token. Lock-free: a few interlocked operations, none at all when a full bucket sees a success.
/// </summary>
internal sealed class RetryBudget
{
    // Fixed point: a millionth of a token, so that small ratios still count and the sums stay exact.
    private const long Scale = 1_000_000;

    private long _balance;

    public RetryBudget(int capacity)
    {
        _balance = capacity * Scale;
    }

    /// <summary>Gets the fleet's share of this host's budget, when the fleet shares one: a retry needs both to pay.</summary>
    public FleetShare? Fleet { get; init; }

    /// <summary>Gets the tokens in the bucket now.</summary>
    public double Tokens => Volatile.Read(ref _balance) / (double)Scale;

    /// <summary>Takes one token for a retry.</summary>
    /// <returns><see langword="false"/> when the bucket cannot pay: the retry must not be made.</returns>
    public bool TryWithdraw() => Withdraw(FleetAsk.NoWait) == FleetVerdict.Granted;

    /// <summary>Takes one token for a retry, from the fleet's lease (when the fleet shares the budget) and from this bucket.</summary>
    /// <param name="ask">Whether a stale fleet lease may wait for the store's answer.</param>
    /// <returns>
    /// <see cref="FleetVerdict.Granted"/> when the retry is paid; <see cref="FleetVerdict.Denied"/> when it must not be made;
    /// <see cref="FleetVerdict.Pending"/> when the fleet must be heard first (nothing was taken).
    /// </returns>
    public FleetVerdict Withdraw(FleetAsk ask)
    {
        // Local first: the fleet's lease is a local count too. The fleet can only refuse what this bucket would pay.
        FleetVerdict fleet = Fleet?.TryTake(ask) ?? FleetVerdict.Local;
        if (fleet is FleetVerdict.Denied or FleetVerdict.Pending)
        {
            return fleet;
        }

        if (TryWithdrawLocal())
        {
            return FleetVerdict.Granted;
        }

        if (fleet == FleetVerdict.Granted)
        {
            Fleet!.Return();
        }

        return FleetVerdict.Denied;
    }

    private bool TryWithdrawLocal()
    {
        long current = Volatile.Read(ref _balance);
        while (current >= Scale)
        {
            long seen = Interlocked.CompareExchange(ref _balance, current - Scale, current);
            // Stryker disable once Equality : with != a won exchange goes one more round, whose exchange fails and returns true, the same; a lost one would return without retrying, which only another thread moving the balance between the read and the exchange can show (race-only).
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>
    /// Gets the size of the bucket: <see cref="RetryBudgetOptions.Capacity"/>, but never less than one call's retries
    /// (<see cref="RetryOptions.MaxAttempts"/> − 1), so that a call on a full bucket can use every attempt it is allowed.
    /// </summary>
    public static int CapacityFor(RetryOptions options) => Math.Max(options.Budget.Capacity, options.MaxAttempts - 1);

    /// <summary>Adds a successful call's earnings, up to the capacity.</summary>
    /// <param name="ratio">The tokens a successful call earns.</param>
    /// <param name="capacity">The most tokens the bucket holds (<see cref="CapacityFor"/>).</param>
    public void Deposit(double ratio, int capacity)
    {
        long limit = capacity * Scale;
        long earned = (long)(ratio * Scale);
        long current = Volatile.Read(ref _balance);

        // The common case, a full bucket, costs one read and no write: no cache line bouncing
        // between cores on a busy host.
        // Stryker disable once Equality : <= would also write a full bucket's own value back; only the write this check avoids differs.
        while (current < limit)
        {
            long seen = Interlocked.CompareExchange(ref _balance, Math.Min(limit, current + earned), current);
            // Stryker disable once Equality : as in TryWithdraw: != adds a failing round after a won exchange, and is race-only after a lost one.
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
