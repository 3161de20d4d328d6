namespace ResilientHttp;

/// <summary>
/// One attempt, as <see cref="AttemptDeadlines"/> times it: the source its send listens to, and when the attempt is
/// due to be cut. Linked into a stripe's list while its send is in flight, and reused once the attempt is over.
/// While linked, every field but <see cref="Source"/> is read and written under that stripe's lock.
/// </summary>
internal sealed class DeadlineNode
{
    /// <summary>Gets or sets the stripe the node is linked into while tracked, or −1.</summary>
    public int Stripe { get; set; } = -1;

    public CancellationTokenSource Source { get; set; } = new();

    public long Deadline { get; set; }

    /// <summary>Gets or sets whether the deadline passed and the source was (or is being) cancelled by the timer.</summary>
    public bool Fired { get; set; }

    public DeadlineNode? Previous { get; set; }

    public DeadlineNode? Next { get; set; }
}
