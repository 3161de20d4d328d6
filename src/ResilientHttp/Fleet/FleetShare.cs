namespace ResilientHttp;

/// <summary>
/// One process's share of the fleet's retry budget and pauses for one client name and host, kept locally so that
/// no decision waits on the store. Successful calls' earnings and the retries paid are counted here and reported in
/// batches (<see cref="TakeReport"/>); the store answers with the fleet's balance, which becomes a small lease: the
/// retries this process makes before it asks again, valid for a while (<see cref="Answered"/>). Until the store
/// has answered, and from the moment it fails (<see cref="Lost"/>), the local budget alone decides.
/// </summary>
internal sealed class FleetShare
{
    private const long Scale = 1_000_000;

    private readonly FleetStore _store;
    private readonly TimeProvider _time;
    private long _earned;
    private int _spent;
    private int _lease;
    private int _fleetHasBudget;
    private int _answers;
    private TaskCompletionSource? _next;
    private long _pauseTold = long.MinValue / 2;
    private long _leaseEnds;
    private int _answered;
    private int _enlisted;

    public FleetShare(FleetStore store, string client, HostState host, int capacity, TimeProvider time)
    {
        _store = store;
        _time = time;
        Client = client;
        Host = host;
        Capacity = capacity;
    }

    /// <summary>Gets the client name whose budget this is.</summary>
    public string Client { get; }

    /// <summary>Gets the host's state in this process, where the fleet's pauses are applied.</summary>
    public HostState Host { get; }

    /// <summary>Gets the size of the fleet's bucket: one client's (<see cref="RetryBudget.CapacityFor"/>).</summary>
    public int Capacity { get; }

    /// <summary>Gets whether an answer of the store is in force.</summary>
    public bool IsShared => Volatile.Read(ref _answered) != 0;

    /// <summary>Gets the retries this process may still make before it asks the fleet again (below zero: made on the local bucket while it asks).</summary>
    public int Lease => Volatile.Read(ref _lease);

    /// <summary>Gets how many answers of the store this share has had.</summary>
    public int Answers => Volatile.Read(ref _answers);

    /// <summary>
    /// Asked for one retry (or hedge), before the local bucket (which must pay too). While the store's last answer is
    /// fresh and found a token in the fleet's bucket, the retry is made and counted for the next report; the lease's
    /// last token asks the store again at once, and until it answers, retries are still made on the local bucket and
    /// counted the same (so a store that is slow to answer never refuses a retry; one that fails makes the share local).
    /// An answer that found the fleet's bucket spent refuses the retry. A lease older than its duration asks the store
    /// again, and the retry waits for that answer (<see cref="FleetVerdict.Pending"/>, <see cref="AnswerAsync"/>): a
    /// process the fleet has not answered lately decides on news, not on an old lease, so a fleet of idle processes
    /// holds no burst of retries for an outage's start.
    /// </summary>
    /// <param name="ask">Whether a stale lease may wait for the store's answer.</param>
    public FleetVerdict TryTake(FleetAsk ask = FleetAsk.NoWait)
    {
        if (Volatile.Read(ref _answered) == 0)
        {
            // Asked before the store ever answered (or while it is down): the local budget decides, and the store is
            // asked, so that the fleet decides the next one.
            Enlist(urgent: true);
            return FleetVerdict.Local;
        }

        if (!IsFresh)
        {
            Enlist(urgent: true);
            return ask switch
            {
                FleetAsk.MayWait => FleetVerdict.Pending,
                FleetAsk.Waited => FleetVerdict.Local,
                _ => FleetVerdict.Denied,
            };
        }

        if (Volatile.Read(ref _fleetHasBudget) == 0)
        {
            // The fleet is spent: the next flush brings news soon enough; refusals must not become round trips.
            Enlist(urgent: false);
            return FleetVerdict.Denied;
        }

        Interlocked.Increment(ref _spent);

        // The lease's last token asks again, once; retries past it, until the answer, ride on what was asked.
        Enlist(urgent: Interlocked.Decrement(ref _lease) == 0);
        return FleetVerdict.Granted;
    }

    /// <summary>Gets how long a withdrawal that found a stale lease waits for the store before the local budget decides.</summary>
    public TimeSpan AnswerTimeout => _store.AnswerTimeout;

    /// <summary>
    /// Waits for the store's next answer (or its loss), at most <paramref name="timeout"/> on the client's clock; at once
    /// when an answer came since the lease went stale.
    /// </summary>
    public async Task AnswerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Stryker disable once NullCoalescing : Made() alone reads an existing source back from its CompareExchange: the same object.
        TaskCompletionSource next = Volatile.Read(ref _next) ?? Made();
        if (IsFresh || Volatile.Read(ref _answered) == 0)
        {
            return;
        }

        try
        {
            // Stryker disable once Boolean : ConfigureAwait(true) differs only under a synchronization context, which the handler's callers may have and the tests do not.
            await next.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The store is slow: the local budget decides this retry; the store's own timeout will make the share local.
        }

        TaskCompletionSource Made()
        {
            var made = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return Interlocked.CompareExchange(ref _next, made, null) ?? made;
        }
    }

    private bool IsFresh => _time.GetTimestamp() < Volatile.Read(ref _leaseEnds);

    /// <summary>Gives back a token <see cref="TryTake"/> granted, when the local budget then refused the retry.</summary>
    public void Return()
    {
        Interlocked.Decrement(ref _spent);
        Interlocked.Increment(ref _lease);
    }

    /// <summary>Counts a successful call's earnings, for the next report.</summary>
    /// <param name="ratio">The tokens a successful call earns.</param>
    public void Deposit(double ratio)
    {
        long earned = (long)(ratio * Scale);
        if (earned > 0)
        {
            Interlocked.Add(ref _earned, earned);
            Enlist(urgent: false);
        }
    }

    /// <summary>Takes what is to be reported, and leaves nothing behind for the next report.</summary>
    public FleetReport TakeReport()
    {
        Volatile.Write(ref _enlisted, 0);
        return new FleetReport(Interlocked.Exchange(ref _earned, 0) / (double)Scale, Interlocked.Exchange(ref _spent, 0));
    }

    /// <summary>Takes the store's answer: the fleet's balance after this process's report, which sets the lease.</summary>
    /// <param name="balance">The fleet's balance.</param>
    /// <param name="leaseSize">The most retries a lease pays for.</param>
    /// <param name="leaseDuration">How long a lease may be used before the fleet is asked again.</param>
    public void Answered(double balance, int leaseSize, TimeSpan leaseDuration)
    {
        int lease = FleetBucket.Lease(balance, leaseSize);
        Volatile.Write(ref _lease, lease);
        Volatile.Write(ref _fleetHasBudget, lease > 0 ? 1 : 0);
        Volatile.Write(ref _leaseEnds, _time.GetTimestamp() + Timestamps.From(leaseDuration, _time));
        Volatile.Write(ref _answered, 1);
        Interlocked.Increment(ref _answers);
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }

    /// <summary>The store failed or is too slow: the local budget decides again, until the store answers again.</summary>
    public void Lost()
    {
        Volatile.Write(ref _answered, 0);
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }

    /// <summary>
    /// R10, P1: tells the fleet of a pause this process's calls were asked for, when it ends at least a second after the
    /// last one this share told of: a burst of 429s announces one pause, not one per answer.
    /// </summary>
    public void PauseRecorded(TimeSpan hold, WaitSource source)
    {
        long ends = _time.GetTimestamp() + Timestamps.From(hold, _time);
        long told = Volatile.Read(ref _pauseTold);
        if (ends - told >= _time.TimestampFrequency && Interlocked.CompareExchange(ref _pauseTold, ends, told) == told)
        {
            _store.Publish(this, hold, source);
        }
    }

    /// <summary>Applies a pause another process was asked for: the host's calls here wait for it too.</summary>
    public void PauseReceived(TimeSpan remaining, WaitSource source)
    {
        if (remaining > TimeSpan.Zero)
        {
            Host.Pacing.HoldUntil(_time.GetTimestamp() + Timestamps.From(remaining, _time), source);
        }
    }

    // Once on the store's list until the next report is taken; an urgent need wakes the store even when listed.
    private void Enlist(bool urgent)
    {
        if (Interlocked.Exchange(ref _enlisted, 1) == 0)
        {
            _store.Enlist(this, urgent);
        }
        else if (urgent)
        {
            _store.Wake();
        }
    }
}
