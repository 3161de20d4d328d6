namespace ResilientHttp;

/// <summary>
/// The cancellation of one attempt: the caller's token, cut by the attempt timeout or the call's deadline, whichever
/// comes first (timed by the client's <see cref="AttemptDeadlines"/>). Knows which of them fired. The limit is timed,
/// and the caller's token linked in, only once the send is known to be in flight (<see cref="InFlight"/>): a send that
/// completes at once has nothing to cancel, and costs no lock and no registration. (A primary handler that blocks
/// before it returns its task is therefore not cut while it blocks, only from the moment it returns.)
/// </summary>
internal struct AttemptTimer
{
    private readonly AttemptDeadlines? _deadlines;
    private readonly TimeSpan _limit;
    private readonly long _start;
    private DeadlineNode? _node;
    private CancellationTokenRegistration _link;

    private AttemptTimer(AttemptDeadlines deadlines, DeadlineNode node, TimeSpan limit, long start, CancellationToken caller, bool limitIsDeadline)
    {
        _deadlines = deadlines;
        _node = node;
        _limit = limit;
        _start = start;
        Caller = caller;
        LimitIsDeadline = limitIsDeadline;
    }

    /// <summary>Gets the caller's own token.</summary>
    public CancellationToken Caller { get; private init; }

    /// <summary>Gets a value indicating whether the limit of this attempt is the call's deadline rather than the attempt timeout.</summary>
    public bool LimitIsDeadline { get; }

    /// <summary>Gets the attempt's time limit, counted from when it goes out, or <see langword="null"/> when it has none.</summary>
    public readonly TimeSpan? Limit => _node is null ? null : _limit;

    /// <summary>Gets the token the attempt is sent with.</summary>
    public readonly CancellationToken Token => _node?.Source.Token ?? Caller;

    /// <summary>Gets a value indicating whether the attempt was cut by its time limit, not by the caller.</summary>
    public readonly bool TimedOut => _node is { } node && node.Source.IsCancellationRequested && !Caller.IsCancellationRequested;

    /// <summary>Starts timing an attempt: the shorter of the attempt timeout and the time left before the deadline, or no limit.</summary>
    public static AttemptTimer Begin(AttemptDeadlines deadlines, TimeSpan? attemptTimeout, TimeSpan? remaining, CancellationToken caller, long now)
    {
        TimeSpan? limit = LimitOf(attemptTimeout, remaining, out bool limitIsDeadline);
        return limit is { } l
            ? new AttemptTimer(deadlines, deadlines.Rent(), l, now, caller, limitIsDeadline)
            : new AttemptTimer { Caller = caller };
    }

    /// <summary>The limit of an attempt: the attempt timeout, or the time left before the call's deadline when that is shorter.</summary>
    /// <param name="attemptTimeout">The attempt timeout, if any.</param>
    /// <param name="remaining">The time left before the call's deadline, if it has one.</param>
    /// <param name="limitIsDeadline">Whether the limit is the deadline.</param>
    /// <returns>The limit, or <see langword="null"/> when the attempt has none.</returns>
    public static TimeSpan? LimitOf(TimeSpan? attemptTimeout, TimeSpan? remaining, out bool limitIsDeadline)
    {
        limitIsDeadline = remaining is { } left && (attemptTimeout is null || left < attemptTimeout);
        return limitIsDeadline ? remaining : attemptTimeout;
    }

    /// <summary>
    /// Called once the send is known to be in flight: starts the clock of its limit (counted from when it went out)
    /// and links the caller's cancellation to the attempt's.
    /// </summary>
    public void InFlight()
    {
        if (_node is not { } node)
        {
            return;
        }

        _deadlines!.Track(node, _limit, _start);
        if (Caller.CanBeCanceled)
        {
            _link = Caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), node.Source);
        }
    }

    /// <summary>Stops timing the attempt once it is over.</summary>
    public void End()
    {
        if (_node is not { } node)
        {
            return;
        }

        // Unregister never blocks: when the caller's callback already ran or is running, the source is not reused.
        bool reusable = _link == default || _link.Unregister();
        _deadlines!.End(node, reusable);
        _node = null;
    }
}
