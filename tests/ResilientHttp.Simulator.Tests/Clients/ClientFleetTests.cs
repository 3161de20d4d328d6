namespace ResilientHttp.Simulator.Tests;

public sealed class ClientFleetTests
{
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A503ThenA200_IsRetriedAfterTheLibrarysOneSecondBackoff()
    {
        (Scheduler scheduler, ClientFleet fleet, RecordingObserver observer, ScriptedServer server) =
            CreateSut(Policies.ExponentialWithoutJitter(budget: false), (503, null), (200, null));

        fleet.Start(new Call(0, 0));
        scheduler.RunUntil(VirtualClock.Ticks(60));

        // Answer after 2 ms, then Backoff.Compute(1, 1 s, 30 s, 0, _) = 1 s, then 1 ms to the server.
        server.Arrivals.ShouldBe([VirtualClock.Ticks(0.001), VirtualClock.Ticks(1.003)]);
        observer.Finished.Single().Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void AlwaysFailingServer_GetsMaxAttemptsSendsAndTheCallFails()
    {
        (Scheduler scheduler, ClientFleet fleet, RecordingObserver observer, ScriptedServer server) =
            CreateSut(Policies.DefaultRetry(budget: false), (503, null));

        fleet.Start(new Call(0, 0));
        scheduler.RunUntil(VirtualClock.Ticks(60));

        server.Arrivals.Count.ShouldBe(4);
        observer.Finished.Single().Succeeded.ShouldBeFalse();
    }

    [Fact]
    public void SpentBudget_StopsRetriesUntilSuccessesRefillIt()
    {
        Policy policy = Policies.DefaultRetry(budget: true);
        (Scheduler scheduler, ClientFleet fleet, _, ScriptedServer server) = CreateSut(policy, (503, null));

        for (int call = 0; call < 10; call++)
        {
            fleet.Start(new Call(0, scheduler.Now));
            scheduler.RunUntil(scheduler.Now + VirtualClock.Ticks(60));
        }

        // Ten calls: the first sends since the budget's 10 tokens pay for 10 retries, then first sends only.
        server.Arrivals.Count.ShouldBe(10 + policy.Options.Retry.Budget.Capacity);
        fleet.Host(0).Budget.Tokens.ShouldBe(0);
    }

    [Fact]
    public void OpenCircuit_RefusesCallsWithoutTouchingTheNetwork()
    {
        // A break longer than the test, so that the circuit is still open for the last call.
        (Scheduler scheduler, ClientFleet fleet, RecordingObserver observer, ScriptedServer server) =
            CreateSut(Candidate.Parse("B=30,M=30").ToPolicy(), (503, null));

        for (int call = 0; call < 5; call++)
        {
            fleet.Start(new Call(0, scheduler.Now));
            scheduler.RunUntil(scheduler.Now + VirtualClock.Ticks(0.5));
        }

        fleet.Host(0).Circuit.State.ShouldBe(CircuitState.Open);
        int sentBefore = server.Arrivals.Count;
        fleet.Start(new Call(0, scheduler.Now));
        scheduler.RunUntil(scheduler.Now + VirtualClock.Ticks(1));

        server.Arrivals.Count.ShouldBe(sentBefore);
        observer.Finished[^1].Succeeded.ShouldBeFalse();
    }

    [Fact]
    public void RetryAfter_HoldsTheClientsNextCallToo()
    {
        (Scheduler scheduler, ClientFleet fleet, _, ScriptedServer server) =
            CreateSut(Policies.ExponentialWithoutJitter(budget: false), (429, TimeSpan.FromSeconds(5)), (200, null));

        fleet.Start(new Call(0, 0));
        scheduler.RunUntil(VirtualClock.Ticks(0.01));
        fleet.Start(new Call(0, scheduler.Now));
        scheduler.RunUntil(VirtualClock.Ticks(60));

        // The second call waits for the host's pause (R10) instead of being sent at 10 ms.
        server.Arrivals.Skip(1).ShouldAllBe(t => t >= VirtualClock.Ticks(5.002));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A200SayingTheQuotaIsSpent_HoldsTheClientsNextCallUntilTheReset_OnlyWhenTheHeadersAreHonoured(bool honoured)
    {
        var scheduler = new Scheduler();
        var observer = new RecordingObserver();
        Policy policy = honoured ? Policies.LibraryDefaults() : Policies.LibraryDefaultsIgnoringRateLimitHeaders();
        var fleet = new ClientFleet(scheduler, policy, clients: 1, new SeededRandom(1), observer, OneWay);
        fleet.Server = new FixedWindowQuotaServer(scheduler, fleet, limit: 1, TimeSpan.FromSeconds(2), QuotaScope.PerClient, clients: 1);

        fleet.Start(new Call(0, 0));
        scheduler.RunUntil(VirtualClock.Ticks(0.01));
        fleet.Start(new Call(0, scheduler.Now));
        scheduler.RunUntil(VirtualClock.Ticks(0.02));

        // The first call's 200 took the window's only call and said "2 s": honoured, the next call waits for the
        // reset (P1) instead of being sent at 10 ms to collect a 429.
        observer.Sent.Count.ShouldBe(honoured ? 1 : 2);
        scheduler.RunUntil(VirtualClock.Ticks(60));
        observer.Finished.ShouldAllBe(f => f.Succeeded);
        observer.Sent[1].ShouldBeGreaterThanOrEqualTo(honoured ? VirtualClock.Ticks(2.002) : VirtualClock.Ticks(0.01));
        fleet.Host(0).Pacing.Source.ShouldBe(honoured ? WaitSource.RateLimit : WaitSource.Pacing);
    }

    [Fact]
    public void RequestTimeoutMs_IsTheAttemptTimeout_OrTheTimeLeftBeforeTheCallsDeadlineWhenSooner()
    {
        var scheduler = new Scheduler();
        var observer = new AttemptObserver();
        var options = new ResilientHttpOptions { TotalTimeout = TimeSpan.FromSeconds(12.5) };
        options.CircuitBreaker.Enabled = false;
        options.Retry.JitterFactor = 0;
        var fleet = new ClientFleet(scheduler, new Policy("deadline", "TotalTimeout = 12.5 s", options), clients: 1, new SeededRandom(1), observer, OneWay);
        fleet.Server = new NeverAnswers();

        fleet.Start(new Call(0, 0));
        scheduler.RunUntil(VirtualClock.Ticks(60));

        // First attempt: the 10 s attempt timeout; after it and a 1 s backoff, 1.5 s are left, in whole milliseconds.
        observer.Attempts.Select(a => a.RequestTimeout).ShouldBe([TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(1500)]);
        observer.Attempts.Select(a => a.LimitIsDeadline).ShouldBe([false, true]);
    }

    private static (Scheduler, ClientFleet, RecordingObserver, ScriptedServer) CreateSut(Policy policy, params (int, TimeSpan?)[] script)
    {
        var scheduler = new Scheduler();
        var observer = new RecordingObserver();
        var fleet = new ClientFleet(scheduler, policy, clients: 1, new SeededRandom(1), observer, OneWay);
        var server = new ScriptedServer(fleet, scheduler, script);
        fleet.Server = server;
        return (scheduler, fleet, observer, server);
    }

    private sealed class NeverAnswers : IAttemptServer
    {
        public void Receive(Attempt attempt)
        {
        }
    }

    private sealed class AttemptObserver : ICallObserver
    {
        public List<Attempt> Attempts { get; } = [];

        public void AttemptSent(Attempt attempt, long now) => Attempts.Add(attempt);

        public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now)
        {
        }

        public void CallFinished(Call call, bool succeeded, long now)
        {
        }
    }
}
