namespace ResilientHttp;

/// <summary>
/// C2–C4, C7: the state machine of one host's circuit. A closed circuit is read and counted with
/// interlocked operations only; the lock is taken for transitions, held briefly, and never around I/O or
/// logging. Time is a timestamp of the client's <see cref="TimeProvider"/>, passed in.
/// </summary>
internal sealed class Circuit
{
    private readonly Lock _gate = new();
    private int _state;               // CircuitState; written under _gate, read lock-free.
    private int _consecutiveFailures; // counted lock-free while closed.
    private long _openUntil;          // written under _gate.

    public CircuitState State => (CircuitState)Volatile.Read(ref _state);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>Gets how long a call made now would still be refused: the rest of the break, or forever while a probe is in flight.</summary>
    public TimeSpan BlockedFor(long now, TimeProvider time) => Volatile.Read(ref _state) switch
    {
        (int)CircuitState.Closed => TimeSpan.Zero,
        (int)CircuitState.HalfOpen => TimeSpan.MaxValue,
        _ => RemainingBreak(now, time),
    };

    /// <summary>Gets the time until an open circuit lets a probe through, or zero.</summary>
    public TimeSpan RemainingBreak(long now, TimeProvider time)
    {
        // No state to check: a circuit leaves Open only once the break is over, so a closed or half-open
        // circuit's end of break is never ahead of now.
        lock (_gate)
        {
            return time.GetElapsedTime(now, Math.Max(now, _openUntil));
        }
    }

    /// <summary>Asks to send one attempt at <paramref name="now"/>.</summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="time">The clock the timestamps come from.</param>
    /// <param name="retryAfter">When refused, the time until the next probe is allowed (zero while one is in flight).</param>
    /// <param name="transition">The state change made, if any.</param>
    public CircuitPermit TryEnter(long now, TimeProvider time, out TimeSpan retryAfter, out CircuitTransition transition)
    {
        retryAfter = TimeSpan.Zero;
        transition = CircuitTransition.None;
        if (Volatile.Read(ref _state) == (int)CircuitState.Closed)
        // Stryker disable once Block : the lock-free way through a closed circuit (C7); without it the locked switch below answers the same.
        {
            return CircuitPermit.Pass;
        }

        lock (_gate)
        {
            switch ((CircuitState)_state)
            {
                case CircuitState.Closed:
                    return CircuitPermit.Pass;
                case CircuitState.Open when now >= _openUntil:
                    _state = (int)CircuitState.HalfOpen;
                    transition = CircuitTransition.HalfOpened;
                    return CircuitPermit.Probe;
                case CircuitState.Open:
                    retryAfter = time.GetElapsedTime(now, _openUntil);
                    return CircuitPermit.Refused;
                default:
                    return CircuitPermit.Refused;
            }
        }
    }

    /// <summary>Reports how an allowed attempt ended.</summary>
    /// <param name="permit">The permit the attempt was given: a pass or the probe (a refused call is not reported).</param>
    /// <param name="verdict">How its outcome counts.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="options">The breaker options in force now.</param>
    /// <param name="time">The clock the timestamps come from.</param>
    /// <returns>The state change made, if any.</returns>
    public CircuitTransition Report(CircuitPermit permit, BreakerVerdict verdict, long now, CircuitBreakerOptions options, TimeProvider time)
    {
        if (permit == CircuitPermit.Probe)
        {
            lock (_gate)
            {
                return ReportProbe_NeedsLock(verdict, now, options, time);
            }
        }

        switch (verdict)
        {
            case BreakerVerdict.Success:
                // Read before writing: a healthy host's successes leave the cache line alone.
                if (Volatile.Read(ref _consecutiveFailures) != 0)
                {
                    Interlocked.Exchange(ref _consecutiveFailures, 0);
                }

                return CircuitTransition.None;
            case BreakerVerdict.Failure:
                // A failure that completes after the circuit opened belongs to the past: it neither
                // extends the break nor counts toward the next one.
                if (Volatile.Read(ref _state) != (int)CircuitState.Closed ||
                    Interlocked.Increment(ref _consecutiveFailures) < options.FailureThreshold)
                {
                    return CircuitTransition.None;
                }

                lock (_gate)
                {
                    // Re-checked under the lock: only a thread paused between its increment and here can tell
                    // the two conditions apart (another thread opened, or a success reset the count meanwhile).
                    // Stryker disable once Logical : race-only, see above; no deterministic test can pause a thread there.
                    if (_state != (int)CircuitState.Closed || _consecutiveFailures < options.FailureThreshold)
                    {
                        return CircuitTransition.None;
                    }

                    Open_NeedsLock(now, options, time);
                    return CircuitTransition.Opened;
                }

            default:
                return CircuitTransition.None;
        }
    }

    // The circuit is half-open here: only the probe's own report leaves that state.
    private CircuitTransition ReportProbe_NeedsLock(BreakerVerdict verdict, long now, CircuitBreakerOptions options, TimeProvider time)
    {
        switch (verdict)
        {
            case BreakerVerdict.Failure:
                Open_NeedsLock(now, options, time);
                return CircuitTransition.Reopened;
            case BreakerVerdict.Abandoned:
                // The probe learned nothing: let the next call probe at once rather than stay half-open.
                _state = (int)CircuitState.Open;
                _openUntil = now;
                return CircuitTransition.ProbeAbandoned;
            default:
                // The host answered (even a 4xx or a 429 is an answer): it is up again.
                _consecutiveFailures = 0;
                _state = (int)CircuitState.Closed;
                return CircuitTransition.Closed;
        }
    }

    private void Open_NeedsLock(long now, CircuitBreakerOptions options, TimeProvider time)
    {
        _state = (int)CircuitState.Open;
        _consecutiveFailures = 0;
        _openUntil = now + Timestamps.From(options.BreakDuration, time);
    }
}
