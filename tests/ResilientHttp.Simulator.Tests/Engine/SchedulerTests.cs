namespace ResilientHttp.Simulator.Tests;

public sealed class SchedulerTests
{
    [Fact]
    public void RunUntil_RunsEventsInTimeOrderAndTiesInTheOrderTheyWereScheduled()
    {
        var scheduler = new Scheduler();
        var log = new Recorder(scheduler);
        scheduler.At(30, log, 3);
        scheduler.At(10, log, 1);
        scheduler.At(30, log, 4);
        scheduler.At(20, log, 2);

        scheduler.RunUntil(100);

        log.Seen.ShouldBe([(10, 1), (20, 2), (30, 3), (30, 4)]);
        scheduler.Now.ShouldBe(100);
    }

    [Fact]
    public void RunUntil_LeavesLaterEventsPending()
    {
        var scheduler = new Scheduler();
        var log = new Recorder(scheduler);
        scheduler.At(10, log, 1);
        scheduler.At(50, log, 2);

        scheduler.RunUntil(20);
        scheduler.RunUntil(60);

        log.Seen.ShouldBe([(10, 1), (50, 2)]);
    }

    [Fact]
    public void VirtualClock_IsWhatTheLibraryMeasuresTimeWith()
    {
        var scheduler = new Scheduler();
        long start = scheduler.Clock.GetTimestamp();
        scheduler.RunUntil(VirtualClock.Ticks(2.5));

        scheduler.Clock.GetElapsedTime(start).ShouldBe(TimeSpan.FromSeconds(2.5));
    }

    private sealed class Recorder(Scheduler scheduler) : IEventSink
    {
        public List<(long Time, int Kind)> Seen { get; } = [];

        public void Handle(int kind, object? target) => Seen.Add((scheduler.Now, kind));
    }
}
