namespace ResilientHttp;

/// <summary>
/// R1–R10: the retry loop of one call as a state machine that does no I/O. Asked before each send and told how
/// each attempt ended, it answers send, wait (how long, and why) or stop (why, and how the call ended). The
/// handler awaits around it; the fleet simulator drives the very same machine in virtual time. The budget is
/// withdrawn and paid back here, and nowhere else.
/// </summary>
internal struct RetryLoop
{
    private readonly ResilientHttpOptions _options;
    private HostState _host;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly long _start;
    private CallFacts _facts;
    private bool _paced;
    private bool _asked;
    private long _askedAt;

    public RetryLoop(ResilientHttpOptions options, HostState host, in CallFacts facts, long start, TimeProvider time, RandomSource random)
    {
        _options = options;
        _host = host;
        _facts = facts;
        _start = start;
        _time = time;
        _random = random;
    }

    /// <summary>Gets the sends made so far (a send refused by an open circuit counts).</summary>
    public int Attempt { get; private set; }

    /// <summary>Gets the options in force for the whole call.</summary>
    public readonly ResilientHttpOptions Options => _options;

    /// <summary>Gets the call's host.</summary>
    public readonly HostState Host => _host;

    /// <summary>Goes on with the tracked state of the call's host, once its provisional one is admitted (<see cref="HostTable.Track"/>).</summary>
    public void Track(HostState tracked) => _host = tracked;

    /// <summary>Gets whether the call's attempts may be hedged (<see cref="CallFacts.Hedgeable"/>).</summary>
    public readonly bool Hedgeable => _facts.Hedgeable;

    /// <summary>R6: records whether every attempt can send the whole body (known once it is buffered).</summary>
    public void BodyReplayable(bool replayable) => _facts = _facts with { BodyReplayable = replayable };

    /// <summary>Gets the time left before the call's deadline at <paramref name="now"/>, or <see langword="null"/> without one.</summary>
    public readonly TimeSpan? Remaining(long now) =>
        _options.TotalTimeout is { } total ? total - _time.GetElapsedTime(_start, now) : null;

    /// <summary>
    /// R10: asked before each send, the first included. A host that asked for a pause is waited for once,
    /// within the caller's deadline; then the attempt goes out.
    /// </summary>
    public LoopStep BeforeSend(long now)
    {
        if (!_paced)
        {
            TimeSpan hold = _host.PacingIfAny?.Remaining(now, _time) ?? TimeSpan.Zero;

            // A first attempt to a host with no pause draws nothing: the common call costs no random number.
            if (Attempt > 0 || hold > TimeSpan.Zero)
            {
                TimeSpan pacing = RetryStrategy.PacingDelay(hold, _options.Retry, Remaining(now), _random.NextDouble());
                if (pacing > TimeSpan.Zero)
                {
                    _paced = true;
                    return new LoopStep(LoopAction.Wait, pacing, _host.Pacing.Source);
                }
            }
        }

        _paced = false;
        Attempt++;
        return LoopStep.Send;
    }

    /// <summary>
    /// Asked when an attempt has gone unanswered for the hedging delay: whether a hedge may go out at
    /// <paramref name="now"/>. Only when every attempt can send the whole body, the host's circuit is closed and the
    /// host asked for no pause; then the hedge is paid from the host's retry budget, and an empty budget sends none.
    /// (The call's deadline needs no check: it ends the hedged attempt, and with it the round.)
    /// </summary>
    public readonly bool TryHedge(long now)
    {
        if (!_facts.Hedgeable || !_facts.BodyReplayable ||
            (_options.CircuitBreaker.Enabled && _host.Circuit.State != CircuitState.Closed) ||
            (_host.PacingIfAny is { } pacing && pacing.Remaining(now, _time) > TimeSpan.Zero))
        {
            return false;
        }

        return !_options.Retry.Budget.Enabled || _host.Budget.TryWithdraw();
    }

    /// <summary>Told how the last attempt ended: records the host's pause (R10), then retries after a wait or stops.</summary>
    public LoopStep Completed(in AttemptOutcome outcome, long now)
    {
        RetryOptions retry = _options.Retry;
        if (!_asked)
        {
            RetryStrategy.RecordPause(outcome, _host, retry, now, _time);
        }

        // A final outcome (the common answer among them) has nothing to weigh: no circuit, no deadline, no budget. (An
        // outcome the fleet was asked about was retriable: it never ends here.)
        if (RetryStrategy.Final(outcome, retry) is { } final)
        {
            return new LoopStep(LoopAction.Stop, Reason: final, Ending: Conclude(outcome));
        }

        TimeSpan blocked = _options.CircuitBreaker.Enabled ? _host.Circuit.BlockedFor(now, _time) : TimeSpan.Zero;
        TimeSpan? remaining = Remaining(now);
        RetryDecision decision = RetryStrategy.Decide(outcome, Attempt, _facts, retry, remaining, _host.Budget, _random, blocked, _asked ? FleetAsk.Waited : FleetAsk.MayWait);
        if (decision.Reason == RetryDecisionReason.BudgetPending)
        {
            // The fleet has not answered this process lately: hear it (one round trip, never past the call's deadline),
            // then decide the same outcome again.
            _asked = true;
            _askedAt = now;
            TimeSpan ask = _host.Fleet!.AnswerTimeout;
            return new LoopStep(LoopAction.Ask, remaining is { } left ? TimeSpan.FromTicks(Math.Clamp(left.Ticks, 0, ask.Ticks)) : ask);
        }

        // The time spent hearing the fleet is part of the retry's wait, not added to it.
        TimeSpan heard = _asked ? _time.GetElapsedTime(_askedAt, now) : TimeSpan.Zero;
        _asked = false;
        if (decision.ShouldRetry)
        {
            return new LoopStep(LoopAction.Wait, TimeSpan.FromTicks(Math.Max(0, (decision.Delay - heard).Ticks)), decision.Source, IsRetry: true);
        }

        // A retriable outcome the call stops on is no successful call (R9): nothing is paid back.
        return new LoopStep(LoopAction.Stop, Reason: decision.Reason, Ending: CallEnding.Failed);
    }

    // R9: a call that ends well pays its share back into the host's budget. The outcome is final (not retriable).
    private readonly CallEnding Conclude(in AttemptOutcome outcome)
    {
        if (outcome.Kind is OutcomeKind.Canceled or OutcomeKind.CircuitOpen)
        {
            return CallEnding.Silent;
        }

        if (!RetryStrategy.IsSuccessfulAnswer(outcome, _options))
        {
            return CallEnding.Failed;
        }

        // A bucket no retry ever drew on is still full: nothing to pay back.
        if (_host.BudgetIfUsed is { } budget)
        {
            RetryStrategy.Settle(budget, _options);
        }

        // The fleet's bucket is paid whatever this process's holds: its earnings are counted here and reported in batches.
        if (_host.Fleet is { } fleet && _options.Retry.Budget.Enabled)
        {
            fleet.Deposit(_options.Retry.Budget.Ratio);
        }

        return outcome.StatusCode >= 400 ? CallEnding.Answered : Attempt > 1 ? CallEnding.Recovered : CallEnding.Succeeded;
    }
}
