namespace ResilientHttp;

/// <summary>
/// The cancellation of one attempt: the caller's token, cut by the attempt timeout or the call's deadline,
/// whichever comes first. Knows which of them fired.
/// </summary>
internal struct AttemptScope
{
    private readonly CancellationPool? _pool;
    private CancellationTokenSource? _timer;
    private readonly CancellationTokenRegistration _link;

    private AttemptScope(CancellationPool pool, CancellationTokenSource timer, CancellationToken caller, bool limitIsDeadline)
    {
        _pool = pool;
        _timer = timer;
        Caller = caller;
        LimitIsDeadline = limitIsDeadline;
        _link = caller.CanBeCanceled ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timer) : default;
    }

    /// <summary>Gets the caller's own token.</summary>
    public CancellationToken Caller { get; private init; }

    /// <summary>Gets a value indicating whether the limit of this attempt is the call's deadline rather than the attempt timeout.</summary>
    public bool LimitIsDeadline { get; }

    /// <summary>Gets the token the attempt is sent with.</summary>
    public readonly CancellationToken Token => _timer?.Token ?? Caller;

    /// <summary>Gets the source that times the attempt, if any.</summary>
    public readonly CancellationTokenSource? Timer => _timer;

    /// <summary>Gets a value indicating whether the attempt was cut by its time limit, not by the caller.</summary>
    public readonly bool TimedOut => _timer is { IsCancellationRequested: true } && !Caller.IsCancellationRequested;

    public static AttemptScope Begin(CancellationPool pool, TimeSpan? attemptTimeout, TimeSpan? remaining, CancellationToken caller)
    {
        bool limitIsDeadline = remaining is { } left && (attemptTimeout is null || left < attemptTimeout);
        TimeSpan? limit = limitIsDeadline ? remaining : attemptTimeout;
        return limit is { } l
            ? new AttemptScope(pool, pool.Rent(l > TimeSpan.Zero ? l : TimeSpan.Zero), caller, limitIsDeadline)
            : new AttemptScope { Caller = caller };
    }

    /// <summary>Releases the timer once the attempt is over.</summary>
    public void End()
    {
        if (_timer is null)
        {
            return;
        }

        // Unregister never blocks; if the caller's cancellation is running, the source is cancelled
        // and the pool disposes it instead of reusing it.
        _link.Unregister();
        _pool!.Return(_timer);
        _timer = null;
    }
}
