namespace ResilientHttp;

/// <summary>
/// R8: the attempt timeout of one client without timer-queue work per attempt. An attempt whose send is in flight is
/// linked into the list of the stripe of the processor it started on (one short lock, no allocation once warm), and
/// unlinked when it ends; an attempt whose send completed at once is never linked at all; one timer of the client's <see cref="TimeProvider"/> fires at the earliest deadline in flight and
/// cancels every attempt whose deadline has passed. The timer is only moved when a deadline comes in earlier than
/// the one it is set for (with one timeout per client, that is when the client was idle), so a busy client touches
/// the runtime's timer queue about once per attempt timeout, not twice per attempt.
/// </summary>
/// <remarks>
/// Accuracy: an attempt is cut no earlier than its deadline. The first deadline to fire after the client was idle
/// fires on time; while deadlines keep coming due, the timer is set no closer than <see cref="Resolution"/> apart,
/// so an attempt may be cut up to that much later (plus the timer's own latency).
/// </remarks>
internal sealed class AttemptDeadlines : IDisposable
{
    /// <summary>The least time between two firings of the timer: how late, at most, an attempt is cut.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(16);

    private const int MaxPooledPerStripe = 64;

    // One spare node per thread: a send that completes at once takes it and gives it back without a lock.
    [ThreadStatic]
    private static DeadlineNode? t_spare;

    private readonly TimeProvider _time;
    private readonly Stripe[] _stripes;
    private readonly long _resolution;
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private long _armedFor = long.MaxValue; // when the timer fires; long.MaxValue while it is not set. Written under _timerGate.

    public AttemptDeadlines(TimeProvider time)
        : this(time, Environment.ProcessorCount)
    {
    }

    /// <summary>Creates the deadlines of one client with a stripe per processor of <paramref name="processors"/> (rounded up to a power of two, at most 64).</summary>
    internal AttemptDeadlines(TimeProvider time, int processors)
    {
        _time = time;
        _resolution = Timestamps.From(Resolution, time);
        int count = (int)Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)processors));
        _stripes = new Stripe[count];
        for (int i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Gets the number of stripes.</summary>
    internal int StripeCount => _stripes.Length;

    /// <summary>Gets the stripe of a processor: its number modulo the (power of two) count of stripes.</summary>
    internal static int StripeOf(int processor, int stripes) => processor & (stripes - 1);

    /// <summary>Gets a node for an attempt about to be sent: its source is what the send listens to.</summary>
    public DeadlineNode Rent()
    {
        DeadlineNode? node = t_spare;
        if (node is not null)
        {
            t_spare = null;
            return node;
        }

        Stripe stripe = _stripes[StripeOf(Thread.GetCurrentProcessorId(), _stripes.Length)];
        lock (stripe.Gate)
        {
            node = stripe.Rent_NeedsLock();
        }

        return node ?? new DeadlineNode();
    }

    /// <summary>
    /// Times an attempt whose send is in flight: cut at <paramref name="start"/> + <paramref name="limit"/>. A send
    /// that completed at once is never tracked, and costs no lock.
    /// </summary>
    /// <param name="node">The attempt's node, from <see cref="Rent"/>.</param>
    /// <param name="limit">The attempt timeout, or the time left before the call's deadline.</param>
    /// <param name="start">When the attempt went out.</param>
    public void Track(DeadlineNode node, TimeSpan limit, long start)
    {
        int index = StripeOf(Thread.GetCurrentProcessorId(), _stripes.Length);
        Stripe stripe = _stripes[index];

        // A limit already used up (the deadline passed) is a deadline in the past: cut at the next firing.
        long deadline = start + Timestamps.From(limit, _time);
        lock (stripe.Gate)
        {
            node.Stripe = index;
            node.Deadline = deadline;
            stripe.Link_NeedsLock(node);
        }

        // Linked before the timer is looked at: a firing that has just begun either sees this node or leaves the
        // timer unset, and then this call sets it.
        // Stryker disable once Equality : an equal deadline would reach ArmBy, whose check under the lock returns.
        if (Volatile.Read(ref _armedFor) > deadline)
        {
            ArmBy(deadline);
        }
    }

    /// <summary>Stops timing an attempt; its node is reused when its source can be.</summary>
    /// <param name="node">The node <see cref="Rent"/> gave.</param>
    /// <param name="reusable">Whether nothing else may still cancel the source (the caller's link was undone in time).</param>
    public void End(DeadlineNode node, bool reusable)
    {
        bool fired = false;
        if (node.Stripe >= 0)
        {
            Stripe tracking = _stripes[node.Stripe];
            lock (tracking.Gate)
            {
                tracking.Unlink_NeedsLock(node);
                fired = node.Fired;
                node.Stripe = -1;
            }
        }

        // A node whose source fired, or may still be cancelled by a caller's callback that is running, is dropped.
        if (!reusable || fired || !node.Source.TryReset())
        {
            return;
        }

        if (t_spare is null)
        {
            t_spare = node;
            return;
        }

        Stripe stripe = _stripes[StripeOf(Thread.GetCurrentProcessorId(), _stripes.Length)];
        lock (stripe.Gate)
        {
            stripe.Return_NeedsLock(node, MaxPooledPerStripe);
        }
    }

    public void Dispose()
    {
        lock (_timerGate)
        {
            _timer?.Dispose();
            _timer = null;
            _armedFor = long.MinValue; // never set again
        }
    }

    private void ArmBy(long deadline)
    {
        lock (_timerGate)
        {
            // Only another thread that set the timer (or a dispose) between the caller's look at it and this lock makes
            // it early enough already.
            // Stryker disable once Equality,Statement,Block : race-only, see above; an equal deadline would set the timer to the same moment again.
            if (_armedFor <= deadline)
            {
                return;
            }

            _armedFor = deadline;
            TimeSpan due = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            _timer ??= _time.CreateTimer(static state => ((AttemptDeadlines)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(TimeSpan.FromTicks(Math.Max(0, due.Ticks)), Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (_timerGate)
        {
            // Stryker disable once Statement,Block : race-only: a firing that began before the dispose (which disposed the timer).
            if (_armedFor == long.MinValue)
            {
                return; // disposed
            }

            _armedFor = long.MaxValue;
        }

        long now = _time.GetTimestamp();
        long next = long.MaxValue;
        List<CancellationTokenSource>? due = null;
        foreach (Stripe stripe in _stripes)
        {
            lock (stripe.Gate)
            {
                for (DeadlineNode? node = stripe.Head; node is not null; node = node.Next)
                {
                    // Stryker disable once Statement,Block : without it, a node that fired is cancelled again, which does nothing.
                    if (node.Fired)
                    {
                        continue;
                    }

                    if (node.Deadline <= now)
                    {
                        // Marked under the lock, cancelled outside it: an End in between sees it fired and does not reuse it.
                        // Stryker disable once Boolean : race-only, see above (a cancelled source is not reused anyway once cancelled).
                        node.Fired = true;
                        (due ??= []).Add(node.Source);
                    }
                    else
                    {
                        next = Math.Min(next, node.Deadline);
                    }
                }
            }
        }

        // Cancelled outside the locks: cancelling runs the send's own callbacks.
        foreach (CancellationTokenSource source in due ?? [])
        {
            source.Cancel();
        }

        if (next != long.MaxValue)
        {
            ArmBy(Math.Max(next, now + _resolution));
        }
    }

    private sealed class Stripe
    {
        private DeadlineNode? _free;
        private int _freeCount;

        public Lock Gate { get; } = new();

        public DeadlineNode? Head { get; private set; }

        public DeadlineNode? Rent_NeedsLock()
        {
            DeadlineNode? node = _free;
            if (node is not null)
            {
                _free = node.Next;
                _freeCount--;
                node.Next = null;
            }

            return node;
        }

        public void Return_NeedsLock(DeadlineNode node, int limit)
        {
            if (_freeCount >= limit)
            {
                node.Source.Dispose();
                return;
            }

            node.Next = _free;
            _free = node;
            _freeCount++;
        }

        public void Link_NeedsLock(DeadlineNode node)
        {
            node.Fired = false;
            node.Previous = null;
            node.Next = Head;
            if (Head is not null)
            {
                Head.Previous = node;
            }

            Head = node;
        }

        public void Unlink_NeedsLock(DeadlineNode node)
        {
            if (node.Previous is null)
            {
                Head = node.Next;
            }
            else
            {
                node.Previous.Next = node.Next;
            }

            if (node.Next is not null)
            {
                node.Next.Previous = node.Previous;
            }

            node.Previous = null;
            node.Next = null;
        }
    }
}
