namespace ResilientHttp;

/// <summary>
/// R1–R5, R8–R10: the rules the retry loop (<see cref="RetryLoop"/>) applies after each attempt: whether to send
/// again and after how long, what a host's pause is, what a finished call pays back. Plain functions.
/// </summary>
internal static class RetryStrategy
{
    /// <summary>Decides what follows an attempt.</summary>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="attempt">The number of sends made so far, 1 after the first.</param>
    /// <param name="call">What is known about the call.</param>
    /// <param name="options">The retry options in force.</param>
    /// <param name="remaining">Time left before the call's deadline, or <see langword="null"/> without one.</param>
    /// <param name="budget">The host's retry budget; one token is taken when the decision is to retry.</param>
    /// <param name="random">The source of the jitter; drawn from only when a wait is computed.</param>
    /// <param name="circuitBlockedFor">How long the host's circuit will still refuse calls (zero when closed).</param>
    /// <param name="fleet">Whether a stale lease of the fleet's budget may wait for the store (<see cref="RetryDecisionReason.BudgetPending"/>).</param>
    public static RetryDecision Decide(
        in AttemptOutcome outcome,
        int attempt,
        in CallFacts call,
        RetryOptions options,
        TimeSpan? remaining,
        RetryBudget? budget,
        RandomSource random,
        TimeSpan circuitBlockedFor = default,
        FleetAsk fleet = FleetAsk.NoWait)
    {
        if (Final(outcome, options) is { } final)
        {
            return RetryDecision.Stop(final);
        }

        if (!call.RetriesAllowed)
        {
            return RetryDecision.Stop(RetryDecisionReason.RetriesDisabled);
        }

        if (attempt >= options.MaxAttempts)
        {
            return RetryDecision.Stop(RetryDecisionReason.AttemptsExhausted);
        }

        if (!call.BodyReplayable)
        {
            return RetryDecision.Stop(RetryDecisionReason.BodyNotReplayable);
        }

        // A refused connection or a failed name lookup proves nothing was sent: safe for any method.
        if (!call.SafeToResend && outcome.Kind != OutcomeKind.ConnectFailure)
        {
            return RetryDecision.Stop(RetryDecisionReason.UnsafeMethod);
        }

        TimeSpan delay;
        TimeSpan? told = HostPause(outcome, options, out WaitSource source);
        bool fromRetryAfter = told is not null;
        if (fromRetryAfter)
        {
            TimeSpan retryAfter = told!.Value;
            if (retryAfter > options.MaxRetryAfter)
            {
                return RetryDecision.Stop(RetryDecisionReason.RetryAfterTooLong);
            }

            delay = Backoff.AfterRetryAfter(retryAfter, options.BaseDelay, options.JitterFactor, random.NextDouble());
        }
        else
        {
            delay = Backoff.Compute(attempt, options.BaseDelay, options.MaxDelay, options.JitterFactor, random.NextDouble());
        }

        if (remaining is { } left && delay >= left)
        {
            return RetryDecision.Stop(RetryDecisionReason.DeadlineExceeded);
        }

        // A retry the open circuit would refuse is no retry: the caller gets the real last outcome.
        if (circuitBlockedFor > delay)
        {
            return RetryDecision.Stop(RetryDecisionReason.CircuitOpen);
        }

        // Last, so that a token is spent only on a retry that will really be made.
        if (options.Budget.Enabled && budget is not null && budget.Withdraw(fleet) is var paid && paid != FleetVerdict.Granted)
        {
            return RetryDecision.Stop(paid == FleetVerdict.Pending ? RetryDecisionReason.BudgetPending : RetryDecisionReason.BudgetExhausted);
        }

        return new RetryDecision(true, delay, RetryDecisionReason.Retry, fromRetryAfter ? source : WaitSource.Backoff);
    }

    /// <summary>
    /// Why <paramref name="outcome"/> ends the call whatever else is known of it (the caller cancelled, the circuit
    /// refused the send, or the outcome is not worth another attempt), or <see langword="null"/> when it is retriable
    /// and the rest of <see cref="Decide"/> weighs it.
    /// </summary>
    public static RetryDecisionReason? Final(in AttemptOutcome outcome, RetryOptions options) => outcome.Kind switch
    {
        OutcomeKind.Canceled => RetryDecisionReason.Canceled,
        OutcomeKind.CircuitOpen => RetryDecisionReason.CircuitOpen,
        _ => OutcomeClassifier.IsRetriable(outcome, options) ? null : RetryDecisionReason.NotRetriable,
    };

    /// <summary>
    /// R9: whether a call that ended with <paramref name="outcome"/> was a success for its host, one that
    /// refills the budget: a response that is neither retriable nor a server failure (5xx or a breaker
    /// failure status). A 4xx counts: the host did its job.
    /// </summary>
    public static bool IsSuccessfulCall(in AttemptOutcome outcome, ResilientHttpOptions options) =>
        IsSuccessfulAnswer(outcome, options) && !OutcomeClassifier.IsRetriable(outcome, options.Retry);

    /// <summary>R9: <see cref="IsSuccessfulCall"/> of an outcome already known not to be retriable: a response that is no server failure.</summary>
    public static bool IsSuccessfulAnswer(in AttemptOutcome outcome, ResilientHttpOptions options) =>
        outcome.IsResponse &&
        outcome.StatusCode < 500 &&
        !options.CircuitBreaker.FailureSet.Contains(outcome.StatusCode);

    /// <summary>R9: a successful call (<see cref="IsSuccessfulCall"/>) earns its share of a token for its host's budget.</summary>
    public static void Settle(RetryBudget budget, ResilientHttpOptions options) =>
        budget.Deposit(options.Retry.Budget.Ratio, RetryBudget.CapacityFor(options.Retry));

    /// <summary>R10, P1: records the pause a host asked for, so that every later call of the client waits for it.</summary>
    public static void RecordPause(in AttemptOutcome outcome, HostState host, RetryOptions options, long now, TimeProvider time)
    {
        if (HostPause(outcome, options, out WaitSource source) is { } hold && hold <= options.MaxRetryAfter)
        {
            host.Pacing.HoldUntil(now + Timestamps.From(hold, time), source);
            host.Fleet?.PauseRecorded(hold, source);
        }
    }

    /// <summary>
    /// R4, P1: the pause a host asked for, as far as it is honoured: its <c>Retry-After</c>, which wins, else the reset
    /// of its spent quota.
    /// </summary>
    public static TimeSpan? HostPause(in AttemptOutcome outcome, RetryOptions options, out WaitSource source)
    {
        if (options.HonorRetryAfter && outcome.RetryAfter is { } retryAfter)
        {
            source = WaitSource.RetryAfter;
            return retryAfter;
        }

        source = WaitSource.RateLimit;
        return options.HonorRateLimitHeaders ? outcome.QuotaReset : null;
    }

    /// <summary>
    /// R10: how long a call must wait before sending to a host that asked for a pause, or zero when it
    /// should send now (no pause, or one longer than the caller would wait for anyway: then the host's own
    /// answer goes back at once).
    /// </summary>
    /// <param name="hold">The time left of the host's pause.</param>
    /// <param name="options">The retry options in force.</param>
    /// <param name="remaining">Time left before the call's deadline, or <see langword="null"/>.</param>
    /// <param name="random">A uniform draw in [0, 1) for the jitter.</param>
    public static TimeSpan PacingDelay(TimeSpan hold, RetryOptions options, TimeSpan? remaining, double random)
    {
        if (hold <= TimeSpan.Zero || !(options.HonorRetryAfter || options.HonorRateLimitHeaders) || hold > options.MaxRetryAfter)
        {
            return TimeSpan.Zero;
        }

        if (remaining is { } left && hold >= left)
        {
            return TimeSpan.Zero;
        }

        TimeSpan spread = Backoff.AfterRetryAfter(hold, options.BaseDelay, options.JitterFactor, random);
        return remaining is { } limit && spread >= limit ? hold : spread;
    }
}
