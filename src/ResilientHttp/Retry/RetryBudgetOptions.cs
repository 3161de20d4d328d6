namespace ResilientHttp;

/// <summary>
/// A token bucket per client name and host that pays for retries, so that a long outage costs the
/// host about <c>1 + Ratio</c> times its normal load instead of <c>MaxAttempts</c> times.
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary>Gets or sets a value indicating whether retries must be paid from the budget.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the tokens a successful call adds to the bucket; a retry costs one token.</summary>
    /// <value>0.1 by default (at most one retry per ten successful calls in a long outage); 0 to 1.</value>
    public double Ratio { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the size of the bucket, which starts full: the burst of retries allowed. The bucket never holds
    /// less than one call's retries (<see cref="RetryOptions.MaxAttempts"/> − 1), so that raising <c>MaxAttempts</c> is
    /// not silently undone by the burst.
    /// </summary>
    /// <value>
    /// 3 by default, chosen by the fleet sweep (docs/fleet-tuning.md): enough for a call's retries, small enough that
    /// a fleet's bursts stay small; 1 to 1,000.
    /// </value>
    public int Capacity { get; set; } = 3;
}
