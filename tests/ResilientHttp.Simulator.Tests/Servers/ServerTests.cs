namespace ResilientHttp.Simulator.Tests;

public sealed class ServerTests
{
    [Fact]
    public void TokenBucket_TakesItsBurstThenAnswers429WithRetryAfter()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 30, new SeededRandom(1), observer, TimeSpan.FromMilliseconds(1));
        fleet.Server = new TokenBucketServer(scheduler, fleet, rate: 200, burst: 20) { SendRetryAfter = true };

        for (int client = 0; client < 30; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(1));

        observer.Outcomes.Count(o => o.StatusCode == 200).ShouldBe(20);
        observer.Outcomes.Where(o => o.StatusCode == 429).ShouldAllBe(o => o.RetryAfter == TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void QueueServer_WhenTheQueueIsFull_Answers503AtOnce()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 10, new SeededRandom(1), observer, TimeSpan.Zero);
        fleet.Server = new QueueServer(scheduler, fleet, capacity: 1, queueLimit: 3, OutageMode.FailFast, 0, 0, seconds: 100);

        for (int client = 0; client < 10; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(0.5));

        // One in service, three queued, six turned away.
        observer.Outcomes.Count(o => o.StatusCode == 503).ShouldBe(6);
    }

    [Fact]
    public void QueueServer_ServesAbandonedAttemptsAndCountsTheWorkAsWasted()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 20, new SeededRandom(1), observer, TimeSpan.Zero);
        var server = new QueueServer(scheduler, fleet, capacity: 1, queueLimit: 100, OutageMode.FailFast, 0, 0, seconds: 100);
        fleet.Server = server;

        for (int client = 0; client < 20; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(99));

        // 1 attempt/s, 10 s attempt timeout: nine are answered in time; from the tenth (done at the very moment its
        // client gives up) on, the server works for nobody.
        observer.Outcomes.Count(o => o.StatusCode == 200).ShouldBe(9);
        server.WastedSeconds.Sum().ShouldBe(11, 1e-9);
        server.BusySeconds.Sum().ShouldBe(20, 1e-9);
    }

    [Fact]
    public void QueueServer_BlackHole_NeverAnswersDuringTheOutage()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 1, new SeededRandom(1), observer, TimeSpan.Zero);
        fleet.Server = new QueueServer(scheduler, fleet, capacity: 1000, queueLimit: 100, OutageMode.BlackHole, VirtualClock.Ticks(1), VirtualClock.Ticks(60), seconds: 100);

        scheduler.RunUntil(VirtualClock.Ticks(2));
        fleet.Start(new Call(0, scheduler.Now));
        scheduler.RunUntil(VirtualClock.Ticks(30));

        observer.Outcomes.Single().Kind.ShouldBe(OutcomeKind.Timeout);
    }

    [Fact]
    public void SheddingQueueServer_Answers503ToAttemptsWhoseSenderGaveUp_InsteadOfServingThem()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 20, new SeededRandom(1), observer, TimeSpan.Zero);
        var server = new QueueServer(scheduler, fleet, capacity: 1, queueLimit: 100, OutageMode.FailFast, 0, 0, seconds: 100, shedsExpired: true);
        fleet.Server = server;

        for (int client = 0; client < 20; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(99));

        // As in the FIFO test above, nine are answered in time and the tenth is served as its client gives up; the ten
        // behind it are past their 10 s when taken off the queue, and cost a fiftieth of a service each instead of one.
        observer.Outcomes.Count(o => o.StatusCode == 200).ShouldBe(9);
        server.Shed.ShouldBe(10);
        server.BusySeconds.Sum().ShouldBe(10.2, 1e-9);
        server.WastedSeconds.Sum().ShouldBe(1.2, 1e-9);
        server.ShedSeconds.Sum().ShouldBe(0.2, 1e-9);
    }

    [Fact]
    public void SheddingQueueServer_CountsTheSendersTimeFromArrival_AsRequestTimeoutMsSaysIt()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 12, new SeededRandom(1), observer, TimeSpan.FromSeconds(1));
        var server = new QueueServer(scheduler, fleet, capacity: 1, queueLimit: 100, OutageMode.FailFast, 0, 0, seconds: 100, shedsExpired: true);
        fleet.Server = server;

        for (int client = 0; client < 12; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(99));

        // Sent at 0, arrived at 1 s, 10 s allowed: the server's deadline is 11 s, not the client's 10 s. The attempts taken
        // off the queue at 1 s to 10 s are served (the last two done after their clients gave up at 10 s); the two taken
        // off at 11 s are shed.
        server.Shed.ShouldBe(2);
        server.WastedSeconds.Sum().ShouldBe(2 + 0.04, 1e-9);
    }

    [Fact]
    public void FixedWindowQuota_TheAnswerThatTakesTheLastCallAndEvery429_SayWhenTheWindowResets()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetries(), clients: 2, new SeededRandom(1), observer, TimeSpan.FromMilliseconds(1));
        fleet.Server = new FixedWindowQuotaServer(scheduler, fleet, limit: 3, TimeSpan.FromSeconds(2), QuotaScope.PerClient, clients: 2);

        scheduler.RunUntil(VirtualClock.Ticks(0.5));
        for (int call = 0; call < 5; call++)
        {
            fleet.Start(new Call(0, scheduler.Now));
        }

        fleet.Start(new Call(1, scheduler.Now));
        scheduler.RunUntil(VirtualClock.Ticks(1));

        // Client 0: two 200s with calls left, the 200 that takes the last one, two 429s; client 1's own quota is untouched.
        observer.Outcomes.Count(o => o.StatusCode == 200).ShouldBe(4);
        observer.Outcomes.Count(o => o.StatusCode == 200 && o.QuotaReset == TimeSpan.FromSeconds(2)).ShouldBe(1);
        observer.Outcomes.Where(o => o.StatusCode == 429).Select(o => o.QuotaReset).ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)]);
        observer.Outcomes.ShouldAllBe(o => o.RetryAfter == null);
    }

    [Fact]
    public void FixedWindowQuota_Shared_CountsEveryClientsCallsAgainstOneQuota_AndResetsWithTheWindow()
    {
        var scheduler = new Scheduler();
        var observer = new StatusObserver();
        var fleet = new ClientFleet(scheduler, Policies.NoRetriesIgnoringRateLimitHeaders(), clients: 4, new SeededRandom(1), observer, TimeSpan.FromMilliseconds(1));
        fleet.Server = new FixedWindowQuotaServer(scheduler, fleet, limit: 3, TimeSpan.FromSeconds(2), QuotaScope.Shared, clients: 4);

        for (int client = 0; client < 4; client++)
        {
            fleet.Start(new Call(client, 0));
        }

        scheduler.RunUntil(VirtualClock.Ticks(2.5));
        fleet.Start(new Call(3, scheduler.Now));
        scheduler.RunUntil(VirtualClock.Ticks(3));

        observer.Outcomes.Select(o => o.StatusCode).ShouldBe([200, 200, 200, 429, 200]);
    }

    private sealed class StatusObserver : ICallObserver
    {
        public List<AttemptOutcome> Outcomes { get; } = [];

        public void AttemptSent(Attempt attempt, long now)
        {
        }

        public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now) => Outcomes.Add(outcome);

        public void CallFinished(Call call, bool succeeded, long now)
        {
        }
    }
}
