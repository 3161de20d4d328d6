namespace ResilientHttp.Simulator;

/// <summary>
/// N client processes, each with the library's own per-host state (<see cref="HostState"/>: its
/// <see cref="RetryBudget"/>, <see cref="Circuit"/> and <see cref="HostPacing"/>), calling one server. Each call is
/// driven by the library's own <see cref="RetryLoop"/>, the state machine the retry handler awaits around, and each
/// attempt goes through <see cref="BreakerGate"/>, as the breaker handler sends it: only the I/O is simulated, in
/// virtual time, with the run's seeded random source.
/// </summary>
internal sealed class ClientFleet : IEventSink
{
    private const int BeforeSendEvent = 0;
    private const int ArriveEvent = 2;
    private const int AnswerEvent = 3;
    private const int TimeoutEvent = 4;
    private const string Authority = "http://server:80";
    private const string ClientName = "fleet";

    private readonly Scheduler _scheduler;
    private readonly ResilientHttpOptions _options;
    private readonly RandomSource _random;
    private readonly ICallObserver _observer;
    private readonly HostState?[] _hosts;
    private readonly long _oneWay;
    private readonly CallFacts _facts;
    private readonly int _budgetCapacity;

    public ClientFleet(Scheduler scheduler, Policy policy, int clients, RandomSource random, ICallObserver observer, TimeSpan oneWayDelay)
    {
        _scheduler = scheduler;
        _options = policy.Options;
        _random = random;
        _observer = observer;
        _hosts = new HostState?[clients];
        _oneWay = oneWayDelay.Ticks;
        _budgetCapacity = RetryBudget.CapacityFor(_options.Retry);
        Store = policy.FleetStore is { } store ? new SimulatedFleetStore(scheduler, store) : null;

        // What the retry handler finds for a GET without a body.
        RetryOptions retry = _options.Retry;
        bool retriesAllowed = retry.Enabled;
        _facts = new CallFacts(
            retriesAllowed,
            retriesAllowed && OutcomeClassifier.IsSafeToResend(HttpMethod.Get, hasIdempotencyKey: false, declaredIdempotent: false, retry.UnsafeMethods),
            BodyReplayable: true);
    }

    /// <summary>Gets the fleet store the processes share their budget and pauses through, when the policy has one.</summary>
    public SimulatedFleetStore? Store { get; }

    /// <summary>Gets or sets the server the fleet calls.</summary>
    public IAttemptServer? Server { get; set; }

    private VirtualClock Clock => _scheduler.Clock;

    /// <summary>Gets a client's state for the host, as the library keeps it.</summary>
    public HostState Host(int client) => _hosts[client] ??= Track(client);

    /// <summary>A client makes a call now.</summary>
    public void Start(Call call)
    {
        call.Loop = new RetryLoop(_options, Host(call.Client), _facts, Clock.GetTimestamp(), Clock, _random);
        Step(call, call.Loop.BeforeSend(Clock.GetTimestamp()));
    }

    /// <summary>The server answers an attempt; the answer reaches the client one network delay later.</summary>
    /// <param name="attempt">The attempt answered.</param>
    /// <param name="status">The status code.</param>
    /// <param name="retryAfter">The answer's <c>Retry-After</c>, if any.</param>
    /// <param name="quotaReset">How long until the host's quota is back, when the answer says it is spent (P1).</param>
    public void Respond(Attempt attempt, int status, TimeSpan? retryAfter = null, TimeSpan? quotaReset = null)
    {
        attempt.Status = status;
        attempt.RetryAfter = retryAfter;
        attempt.QuotaReset = quotaReset;
        _scheduler.After(_oneWay, this, AnswerEvent, attempt);
    }

    public void Handle(int kind, object? target)
    {
        switch (kind)
        {
            case BeforeSendEvent:
                var call = (Call)target!;
                Step(call, call.Loop.BeforeSend(Clock.GetTimestamp()));
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

    // What the handler's await loop does with each step: send, wait, or finish the call.
    private void Step(Call call, in LoopStep step)
    {
        switch (step.Action)
        {
            case LoopAction.Send:
                Send(call);
                break;
            case LoopAction.Ask:
                // As the handler: the outcome stays in hand until the store answers, then the loop decides it again.
                Store!.Await(Host(call.Client).Fleet!, () => Decide(call, call.LastOutcome!.Value));
                break;
            case LoopAction.Wait:
                call.Waited += step.Delay.Ticks;
                _scheduler.After(step.Delay.Ticks, this, BeforeSendEvent, call);
                break;
            default:
                _observer.CallFinished(call, succeeded: call.LastOutcome is { IsResponse: true, StatusCode: >= 200 and < 300 }, _scheduler.Now);
                break;
        }
    }

    private void Send(Call call)
    {
        HostState host = Host(call.Client);
        long now = Clock.GetTimestamp();
        CircuitPermit permit = CircuitPermit.Pass;
        if (_options.CircuitBreaker.Enabled)
        {
            permit = BreakerGate.Enter(host, now, Clock, out _, out _);
            if (permit == CircuitPermit.Refused)
            {
                // C3: refused without touching the network; the handler sees a CircuitOpenException.
                Completed(call, AttemptOutcome.Of(OutcomeClassifier.ClassifyException(new CircuitOpenException(Authority, TimeSpan.Zero), callerCanceled: false, timedOut: false)));
                return;
            }
        }

        // As AttemptTimer.Begin: the attempt timeout, or the time left before the call's deadline when that is shorter.
        TimeSpan? limitSpan = AttemptTimer.LimitOf(_options.AttemptTimeout, call.Loop.Remaining(now), out bool limitIsDeadline);
        long? limit = limitSpan is { } span ? Math.Max(0, span.Ticks) : null;
        var attempt = new Attempt(call, permit, _scheduler.Now)
        {
            LimitIsDeadline = limitIsDeadline,

            // Request-Timeout-Ms, as DeadlineHeaders writes it.
            RequestTimeout = limitSpan is { } sent ? TimeSpan.FromMilliseconds(DeadlineHeaders.Milliseconds(sent)) : null,
        };
        call.NetworkSends++;
        _observer.AttemptSent(attempt, _scheduler.Now);
        _scheduler.After(_oneWay, this, ArriveEvent, attempt);
        if (limit is { } timeout)
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

        // As the handler's readers do: Retry-After only on a retriable status, only when honoured (RetryAfterReader);
        // a spent quota on any answer, when the rate-limit headers are honoured (RateLimitReader).
        TimeSpan? retryAfter = retry.HonorRetryAfter && retry.RetrySet.Contains(attempt.Status) ? attempt.RetryAfter : null;
        TimeSpan? quotaReset = retry.HonorRateLimitHeaders ? attempt.QuotaReset : null;
        var outcome = AttemptOutcome.Status(attempt.Status, retryAfter) with { QuotaReset = quotaReset };
        _observer.AttemptSettled(attempt, outcome, _scheduler.Now);
        Report(attempt, outcome);
        Completed(attempt.Call, outcome);
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
        Completed(attempt.Call, outcome);
    }

    private void Report(Attempt attempt, in AttemptOutcome outcome)
    {
        if (_options.CircuitBreaker.Enabled)
        {
            BreakerGate.Report(Host(attempt.Call.Client), attempt.Permit, outcome, cutByDeadline: attempt.LimitIsDeadline, attempt.SentAt, Clock.GetTimestamp(), _options.CircuitBreaker, Clock, _random);
        }
    }

    private void Completed(Call call, in AttemptOutcome outcome)
    {
        Decide(call, outcome);
    }

    private void Decide(Call call, in AttemptOutcome outcome)
    {
        call.LastOutcome = outcome;
        Step(call, call.Loop.Completed(outcome, Clock.GetTimestamp()));
    }

    // As HostTable does for a new host: with a fleet store registered, the host's share joins it before its budget is made.
    private HostState Track(int client)
    {
        var host = new HostState(Authority, _budgetCapacity, _scheduler.Now);
        if (Store is not null)
        {
            host.Fleet = Store.Join(client, ClientName, host, _budgetCapacity, Clock);
        }

        return host;
    }
}
