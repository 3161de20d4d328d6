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
