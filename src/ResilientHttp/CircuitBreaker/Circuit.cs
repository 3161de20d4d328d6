namespace ResilientHttp;

/// <summary>
/// C2–C4, C7, C8: the state machine of one host's circuit. A closed circuit is read and counted with
/// interlocked operations only; the lock (the circuit itself: nothing else ever locks it, and a host costs one
/// object less) is taken for transitions, held briefly, and never around I/O or logging. Time is a timestamp of the client's <see cref="TimeProvider"/>, passed in.
/// </summary>
internal sealed class Circuit
{
    private int _state;               // CircuitState; written under the lock, read lock-free.
    private int _consecutiveFailures; // counted lock-free while closed.
    private long _lastSuccess = long.MinValue; // when the latest success was received, to about a millisecond; lock-free.
    private long _openUntil;          // written under the lock.
    private long _nominalBreak;       // TimeSpan ticks of the last break before its spread, 0 once closed; under the lock.
    private long _breakLength;        // timestamp ticks of the last break as spread; under the lock.
    private long _probeSentAt;        // when the probe in flight went out; under the lock.
    private bool _released;           // half-open and the probe overdue: calls pass; under the lock.

    public CircuitState State => (CircuitState)Volatile.Read(ref _state);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>
    /// Gets how long a call made now would still be refused: the rest of the break, or, while a probe is in
    /// flight, the time until that probe is overdue (see <see cref="TryEnter"/>).
    /// </summary>
    public TimeSpan BlockedFor(long now, TimeProvider time)
    {
        if (Volatile.Read(ref _state) == (int)CircuitState.Closed)
        // Stryker disable once Block : the lock-free way out for a closed circuit (asked after every attempt); the locked read below answers the same, zero.
        {
            return TimeSpan.Zero;
        }

        lock (this)
        {
            long until = _state == (int)CircuitState.HalfOpen ? _probeSentAt + _breakLength : _openUntil;
            return time.GetElapsedTime(now, Math.Max(now, until));
        }
    }

    /// <summary>Gets the time until an open circuit lets a probe through, or zero.</summary>
    public TimeSpan RemainingBreak(long now, TimeProvider time)
    {
        // No state to check: a circuit leaves Open only once the break is over, so a closed or half-open
        // circuit's end of break is never ahead of now.
        lock (this)
        {
            return time.GetElapsedTime(now, Math.Max(now, _openUntil));
        }
    }

    /// <summary>
    /// Asks to send one attempt at <paramref name="now"/>. After the break one call goes through as the probe;
    /// calls made while it is in flight are refused, until it has been in flight for a whole break. A probe that
    /// slow says nothing yet (a host draining a queue answers it late, a black hole only at its attempt timeout),
    /// so from then on the circuit no longer holds callers back: calls pass, any answer closes the circuit and the
    /// probe's failure opens it again.
    /// </summary>
    /// <param name="now">The current timestamp.</param>
    /// <param name="time">The clock the timestamps come from.</param>
    /// <param name="retryAfter">When refused, the time until calls are let through again: the rest of the break, or of the probe's.</param>
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

        lock (this)
        {
            switch ((CircuitState)_state)
            {
                case CircuitState.Closed:
                    return CircuitPermit.Pass;
                case CircuitState.Open when now >= _openUntil:
                    _state = (int)CircuitState.HalfOpen;
                    _probeSentAt = now;
                    transition = CircuitTransition.HalfOpened;
                    return CircuitPermit.Probe;
                case CircuitState.Open:
                    retryAfter = time.GetElapsedTime(now, _openUntil);
                    return CircuitPermit.Refused;
                case CircuitState.HalfOpen when now - _probeSentAt >= _breakLength:
                    if (!_released)
                    {
                        _released = true;
                        transition = CircuitTransition.ProbeOverdue;
                    }

                    return CircuitPermit.Pass;
                default:
                    retryAfter = time.GetElapsedTime(now, _probeSentAt + _breakLength);
                    return CircuitPermit.Refused;
            }
        }
    }

    /// <summary>Reports how an allowed attempt ended.</summary>
    /// <param name="permit">The permit the attempt was given: a pass or the probe (a refused call is not reported).</param>
    /// <param name="verdict">How its outcome counts.</param>
    /// <param name="sentAt">The timestamp the attempt was sent at.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="options">The breaker options in force now.</param>
    /// <param name="time">The clock the timestamps come from.</param>
    /// <param name="random">The source of the break's spread (C8).</param>
    /// <returns>The state change made, if any, and the break it began.</returns>
    public CircuitReport Report(CircuitPermit permit, BreakerVerdict verdict, long sentAt, long now, CircuitBreakerOptions options, TimeProvider time, RandomSource random)
    {
        if (verdict == BreakerVerdict.Success)
        {
            NoteSuccess(now, time);
        }

        if (permit == CircuitPermit.Probe)
        {
            lock (this)
            {
                return ReportProbe_NeedsLock(verdict, sentAt, now, options, time, random);
            }
        }

        if (verdict is BreakerVerdict.Success or BreakerVerdict.Neutral && Volatile.Read(ref _state) == (int)CircuitState.HalfOpen)
        {
            // A call let through past an overdue probe was answered: the host is up.
            lock (this)
            {
                if (_state == (int)CircuitState.HalfOpen && _released)
                {
                    return Close_NeedsLock();
                }
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

                return CircuitReport.None;
            case BreakerVerdict.Failure:
                // C2: a failure of an attempt sent before the host's latest success tells of the past: the host
                // has answered since. A failure that completes after the circuit opened belongs to the past too:
                // it neither extends the break nor counts toward the next one.
                if (sentAt < Volatile.Read(ref _lastSuccess) ||
                    Volatile.Read(ref _state) != (int)CircuitState.Closed ||
                    Interlocked.Increment(ref _consecutiveFailures) < options.FailureThreshold)
                {
                    return CircuitReport.None;
                }

                lock (this)
                {
                    // Re-checked under the lock: only a thread paused between its increment and here can tell
                    // the two conditions apart (another thread opened, or a success reset the count meanwhile).
                    // Stryker disable once Logical : race-only, see above; no deterministic test can pause a thread there.
                    if (_state != (int)CircuitState.Closed || _consecutiveFailures < options.FailureThreshold)
                    {
                        return CircuitReport.None;
                    }

                    return new CircuitReport(CircuitTransition.Opened, Open_NeedsLock(options.BreakDuration, now, options, time, random));
                }

            default:
                return CircuitReport.None;
        }
    }

    /// <summary>
    /// C4: the break after a failed probe: twice the last one, at most <see cref="CircuitBreakerOptions.MaxBreakDuration"/>,
    /// never below <see cref="CircuitBreakerOptions.BreakDuration"/> (which a reload may have raised).
    /// </summary>
    internal static TimeSpan NextBreak(TimeSpan last, CircuitBreakerOptions options)
    {
        // last > longest / 2 is 2 · last > longest without the overflow; a longest below the first break is the first.
        long longest = options.MaxBreakDuration.Ticks;
        long doubled = last.Ticks > longest / 2 ? longest : last.Ticks * 2;
        return TimeSpan.FromTicks(Math.Max(doubled, options.BreakDuration.Ticks));
    }

    /// <summary>C8: a break spread uniformly over ±<paramref name="jitterFactor"/> of <paramref name="nominal"/>.</summary>
    internal static TimeSpan Spread(TimeSpan nominal, double jitterFactor, double random) =>
        TimeSpan.FromTicks((long)(nominal.Ticks * (1 + (jitterFactor * ((2 * random) - 1)))));

    // Recorded to about a millisecond, so that a healthy host's successes rarely write: a failure sent within a
    // millisecond after an unrecorded success still counts, as it would have without C2's rule.
    private void NoteSuccess(long now, TimeProvider time)
    {
        // Written as now - granularity > last so that the first success (last is long.MinValue) cannot overflow,
        // and a thread whose timestamp is older than the one recorded never moves it back.
        // Stryker disable once Bitwise : >>> and >> agree on a positive frequency.
        if (now - (time.TimestampFrequency >> 10) > Volatile.Read(ref _lastSuccess))
        {
            Volatile.Write(ref _lastSuccess, now);
        }
    }

    private CircuitReport ReportProbe_NeedsLock(BreakerVerdict verdict, long sentAt, long now, CircuitBreakerOptions options, TimeProvider time, RandomSource random)
    {
        if (_state != (int)CircuitState.HalfOpen || sentAt != _probeSentAt)
        {
            // The probe of an earlier opening, answered after the circuit moved on: its answer still closes a
            // half-open circuit, since the host answered; its failure or cancellation decides nothing.
            return _state == (int)CircuitState.HalfOpen && verdict is BreakerVerdict.Success or BreakerVerdict.Neutral
                ? Close_NeedsLock()
                : CircuitReport.None;
        }

        switch (verdict)
        {
            case BreakerVerdict.Failure:
                TimeSpan next = NextBreak(TimeSpan.FromTicks(_nominalBreak), options);
                return new CircuitReport(CircuitTransition.Reopened, Open_NeedsLock(next, now, options, time, random));
            case BreakerVerdict.Abandoned:
                // The probe learned nothing: let the next call probe at once rather than stay half-open.
                _state = (int)CircuitState.Open;
                _openUntil = now;
                return new CircuitReport(CircuitTransition.ProbeAbandoned, TimeSpan.Zero);
            default:
                return Close_NeedsLock();
        }
    }

    // The host answered (even a 4xx or a 429 is an answer): it is up again, and the next break starts short.
    private CircuitReport Close_NeedsLock()
    {
        _consecutiveFailures = 0;
        _nominalBreak = 0;
        _state = (int)CircuitState.Closed;
        return new CircuitReport(CircuitTransition.Closed, TimeSpan.Zero);
    }

    private TimeSpan Open_NeedsLock(TimeSpan nominal, long now, CircuitBreakerOptions options, TimeProvider time, RandomSource random)
    {
        TimeSpan spread = Spread(nominal, options.BreakJitterFactor, random.NextDouble());
        _state = (int)CircuitState.Open;
        _released = false;
        _consecutiveFailures = 0;
        _nominalBreak = nominal.Ticks;
        _breakLength = Timestamps.From(spread, time);
        _openUntil = now + _breakLength;
        return spread;
    }
}
