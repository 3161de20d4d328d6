namespace ResilientHttp.Simulator;

/// <summary>
/// N client processes, each with the library's own per-host state (<see cref="HostState"/>: its
/// <see cref="RetryBudget"/>, <see cref="Circuit"/> and <see cref="HostPacing"/>), calling one server.
/// The attempt loop is <see cref="RetryHandler"/>'s, step for step, in virtual time: every decision in it
/// (classification, breaker, backoff, budget, pacing) is made by the library's decision code, fed from the
/// run's seeded random source and the virtual clock.
/// </summary>
internal sealed class ClientFleet : IEventSink
{
    private const int BeginAttemptEvent = 0;
    private const int SendEvent = 1;
    private const int ArriveEvent = 2;
    private const int AnswerEvent = 3;
    private const int TimeoutEvent = 4;
    private const string Authority = "http://server:80";

    private readonly Scheduler _scheduler;
    private readonly ResilientHttpOptions _options;
    private readonly RandomSource _random;
    private readonly ICallObserver _observer;
    private readonly HostState?[] _hosts;
    private readonly long _oneWay;
    private readonly long? _attemptTimeout;
    private readonly CallFacts _facts;

    public ClientFleet(Scheduler scheduler, Policy policy, int clients, RandomSource random, ICallObserver observer, TimeSpan oneWayDelay)
    {
        _scheduler = scheduler;
        _options = policy.Options;
        _random = random;
        _observer = observer;
        _hosts = new HostState?[clients];
        _oneWay = oneWayDelay.Ticks;
        _attemptTimeout = _options.AttemptTimeout?.Ticks;

        // What RetryHandler.PrepareAsync finds for a GET without a body.
        RetryOptions retry = _options.Retry;
        bool retriesAllowed = retry.Enabled && retry.MaxAttempts > 1;
        _facts = new CallFacts(
            retriesAllowed,
            retriesAllowed && OutcomeClassifier.IsSafeToResend(HttpMethod.Get, hasIdempotencyKey: false, declaredIdempotent: false, retry.UnsafeMethods),
            BodyReplayable: true);
    }

    /// <summary>Gets or sets the server the fleet calls.</summary>
    public IAttemptServer? Server { get; set; }

    private VirtualClock Clock => _scheduler.Clock;

    /// <summary>Gets a client's state for the host, as the library keeps it.</summary>
    public HostState Host(int client) => _hosts[client] ??= new HostState(Authority, RetryBudget.CapacityFor(_options.Retry), _scheduler.Now);

    /// <summary>A client makes a call now.</summary>
    public void Start(Call call) => BeginAttempt(call);

    /// <summary>The server answers an attempt; the answer reaches the client one network delay later.</summary>
    public void Respond(Attempt attempt, int status, TimeSpan? retryAfter = null)
    {
        attempt.Status = status;
        attempt.RetryAfter = retryAfter;
        _scheduler.After(_oneWay, this, AnswerEvent, attempt);
    }

    public void Handle(int kind, object? target)
    {
        switch (kind)
        {
            case BeginAttemptEvent:
                BeginAttempt((Call)target!);
                break;
            case SendEvent:
                Send((Call)target!);
                break;
            case ArriveEvent:
                Server!.Receive((Attempt)target!);
                break;
            case AnswerEvent:
                Answered((Attempt)target!);
                break;
            case TimeoutEvent:
                TimedOut((Attempt)target!);
                break;
        }
    }

    private void BeginAttempt(Call call)
    {
        // R10, as RetryHandler does before each send: wait for a pause the host asked for.
        HostState host = Host(call.Client);
        TimeSpan pacing = RetryStrategy.PacingDelay(host.Pacing.Remaining(Clock.GetTimestamp(), Clock), _options.Retry, remaining: null, _random.NextDouble());
        if (pacing > TimeSpan.Zero)
        {
            _scheduler.After(pacing.Ticks, this, SendEvent, call);
            return;
        }

        Send(call);
    }

    private void Send(Call call)
    {
        HostState host = Host(call.Client);
        call.Attempts++;
        CircuitPermit permit = CircuitPermit.Pass;
        if (_options.CircuitBreaker.Enabled)
        {
            permit = host.Circuit.TryEnter(Clock.GetTimestamp(), Clock, out _, out _);
            if (permit == CircuitPermit.Refused)
            {
                // C3: refused without touching the network; the handler sees a CircuitOpenException.
                Conclude(call, AttemptOutcome.Of(OutcomeClassifier.ClassifyException(new CircuitOpenException(Authority, TimeSpan.Zero), callerCanceled: false, timedOut: false)));
                return;
            }
        }

        var attempt = new Attempt(call, permit, _scheduler.Now);
        call.NetworkSends++;
        _observer.AttemptSent(attempt, _scheduler.Now);
        _scheduler.After(_oneWay, this, ArriveEvent, attempt);
        if (_attemptTimeout is { } timeout)
        {
            _scheduler.After(timeout, this, TimeoutEvent, attempt);
        }
    }

    private void Answered(Attempt attempt)
    {
        if (attempt.Settled)
        {
            return; // The client stopped waiting: the answer falls on the floor.
        }

        attempt.Settled = true;
        RetryOptions retry = _options.Retry;

        // As RetryHandler.SendAttemptAsync reads it: Retry-After only on a retriable status, only when honoured.
        TimeSpan? retryAfter = retry.HonorRetryAfter && retry.RetryStatusCodes.Contains(attempt.Status) ? attempt.RetryAfter : null;
        var outcome = AttemptOutcome.Status(attempt.Status, retryAfter);
        _observer.AttemptSettled(attempt, outcome, _scheduler.Now);
        Report(attempt, outcome);
        Conclude(attempt.Call, outcome);
    }

    private void TimedOut(Attempt attempt)
    {
        if (attempt.Settled)
        {
            return;
        }

        attempt.Settled = true;
        attempt.Abandoned = true;

        // The attempt timeout cancels the send: an OperationCanceledException the caller did not ask for.
        var outcome = AttemptOutcome.Of(OutcomeClassifier.ClassifyException(new TaskCanceledException(), callerCanceled: false, timedOut: true));
        _observer.AttemptSettled(attempt, outcome, _scheduler.Now);
        Report(attempt, outcome);
        Conclude(attempt.Call, outcome);
    }

    private void Report(Attempt attempt, in AttemptOutcome outcome)
    {
        // C2: what CircuitBreakerHandler reports when an attempt it let through ends.
        if (_options.CircuitBreaker.Enabled)
        {
            CircuitBreakerOptions breaker = _options.CircuitBreaker;
            Host(attempt.Call.Client).Circuit.Report(attempt.Permit, OutcomeClassifier.ForBreaker(outcome, breaker), attempt.SentAt, Clock.GetTimestamp(), breaker, Clock, _random);
        }
    }

    private void Conclude(Call call, in AttemptOutcome outcome)
    {
        HostState host = Host(call.Client);
        RetryOptions retry = _options.Retry;

        // R10: the host's pause applies to every later call of this client.
        RetryStrategy.RecordPause(outcome, host.Pacing, retry, Clock.GetTimestamp(), Clock);

        // A retry the open circuit would refuse is not made (as RetryHandler asks the circuit).
        TimeSpan blocked = _options.CircuitBreaker.Enabled ? host.Circuit.BlockedFor(Clock.GetTimestamp(), Clock) : TimeSpan.Zero;
        RetryDecision decision = RetryStrategy.Decide(outcome, call.Attempts, _facts, retry, remaining: null, host.Budget, _random.NextDouble(), blocked);
        if (decision.ShouldRetry)
        {
            _scheduler.After(decision.Delay.Ticks, this, BeginAttemptEvent, call);
            return;
        }

        // R9: a successful call refills the budget.
        RetryStrategy.Settle(outcome, host.Budget, _options);

        _observer.CallFinished(call, succeeded: outcome.IsResponse && outcome.StatusCode is >= 200 and < 300, _scheduler.Now);
    }
}
