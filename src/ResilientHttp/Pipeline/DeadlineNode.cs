namespace ResilientHttp;

/// <summary>
/// One attempt in flight, as <see cref="AttemptDeadlines"/> tracks it: the source its send listens to, and when the
/// attempt is due to be cut. Linked into its stripe's list while in flight and reused once the attempt is over.
/// Every field but <see cref="Source"/> is read and written under its stripe's lock.
/// </summary>
internal sealed class DeadlineNode(int stripe)
{
    public int Stripe { get; } = stripe;

    public CancellationTokenSource Source { get; set; } = new();

    public long Deadline { get; set; }

    /// <summary>Gets or sets whether the deadline passed and the source was (or is being) cancelled by the timer.</summary>
    public bool Fired { get; set; }

    public DeadlineNode? Previous { get; set; }

    public DeadlineNode? Next { get; set; }
}
