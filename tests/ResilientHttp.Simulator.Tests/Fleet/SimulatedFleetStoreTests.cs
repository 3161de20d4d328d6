namespace ResilientHttp.Simulator.Tests;

/// <summary>The modelled fleet store: its latency, its loop's flush interval and urgent wake, its bucket and its pauses.</summary>
public sealed class SimulatedFleetStoreTests
{
    private const string Client = "fleet";
    private const string Authority = "http://server:80";

    [Theory]
    [InlineData(0.5)]
    [InlineData(5)]
    public void AnUrgentNeed_IsAnsweredTwoStoreLatenciesLater(double latencyMs)
    {
        (Scheduler scheduler, SimulatedFleetStore store) = CreateSut(Settings() with { Latency = TimeSpan.FromMilliseconds(latencyMs) });
        FleetShare share = Join(store, scheduler, 0);

        share.TryTake().ShouldBe(FleetVerdict.Local); // no answer yet: the local budget decides, and the store is asked
        scheduler.RunUntil(0);
        store.Rounds.ShouldBe(1); // woken at once
        share.IsShared.ShouldBeFalse();

        share.Deposit(0.1); // the report is taken when a round starts, not before
        scheduler.RunUntil(VirtualClock.Ticks(2 * latencyMs / 1000) - 1);
        share.IsShared.ShouldBeFalse();
        scheduler.RunUntil(VirtualClock.Ticks(2 * latencyMs / 1000));
        share.IsShared.ShouldBeTrue();
        share.Lease.ShouldBe(2); // a full bucket of 3: a lease of LeaseSize
    }

    [Fact]
    public void ADeposit_IsReportedAtTheProcesssNextFlush_NotAtOnce()
    {
        FleetStoreSettings settings = Settings() with { FlushInterval = TimeSpan.FromSeconds(1) };
        (Scheduler scheduler, SimulatedFleetStore store) = CreateSut(settings);
        FleetShare share = Join(store, scheduler, 0);

        share.Deposit(0.1);
        share.Deposit(0.1);
        store.Rounds.ShouldBe(0);
        scheduler.RunUntil(VirtualClock.Ticks(1) + (2 * settings.Latency.Ticks));

        store.Rounds.ShouldBe(1); // one round for both deposits, within one flush interval
        store.Reports.ShouldBe(1);
        share.IsShared.ShouldBeTrue();
    }

    [Fact]
    public void TheStoresBalance_IsFleetBucketApplyOfEveryProcesssReports()
    {
        (Scheduler scheduler, SimulatedFleetStore store) = CreateSut(Settings() with { LeaseSize = 4 });
        FleetShare a = Join(store, scheduler, 0);
        FleetShare b = Join(store, scheduler, 1);
        a.TryTake().ShouldBe(FleetVerdict.Local);
        b.TryTake().ShouldBe(FleetVerdict.Local);
        scheduler.RunUntil(VirtualClock.Ticks(0.01));
        a.Lease.ShouldBe(3); // min(LeaseSize, ⌊3⌋)

        // Both leases are granted from the same full bucket of 3 (optimistically): the fleet spends 6 of its 3 before it hears of it.
        for (int i = 0; i < 3; i++)
        {
            a.TryTake().ShouldBe(FleetVerdict.Granted);
            b.TryTake().ShouldBe(FleetVerdict.Granted);
        }

        scheduler.RunUntil(VirtualClock.Ticks(0.02));
        (store.Rounds, store.Reports, store.Spent).ShouldBe((4L, 4L, 6L)); // each process's spent lease woke its loop
        double expected = FleetBucket.Apply(FleetBucket.Apply(3, new FleetReport(0, 3), 3), new FleetReport(0, 3), 3);
        store.Balance(Client, Authority).ShouldBe(expected); // -3: the debt floor
        store.LowestBalance.ShouldBe(-3);
        a.TryTake().ShouldBe(FleetVerdict.Denied);
        b.TryTake().ShouldBe(FleetVerdict.Denied);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 1)]
    public void ALargerLease_AsksTheStoreLessOften(int leaseSize, int rounds)
    {
        (Scheduler scheduler, SimulatedFleetStore store) = CreateSut(Settings() with { LeaseSize = leaseSize });
        FleetShare share = Join(store, scheduler, 0);
        share.TryTake();
        scheduler.RunUntil(VirtualClock.Ticks(0.01));

        share.TryTake().ShouldBe(FleetVerdict.Granted);
        scheduler.RunUntil(VirtualClock.Ticks(0.02));

        // A lease of one is spent by one retry, which asks the store at once; a lease of four is not.
        store.Rounds.ShouldBe(rounds);
    }

    [Fact]
    public void APublishedPause_ReachesEveryOtherProcessTwoLatenciesLater_AndNotThePublisher()
    {
        FleetStoreSettings settings = Settings() with { Latency = TimeSpan.FromMilliseconds(5) };
        (Scheduler scheduler, SimulatedFleetStore store) = CreateSut(settings);
        FleetShare publisher = Join(store, scheduler, 0);
        FleetShare other = Join(store, scheduler, 1);
        FleetShare third = Join(store, scheduler, 2);

        publisher.PauseRecorded(TimeSpan.FromSeconds(2), WaitSource.RateLimit);
        scheduler.RunUntil(VirtualClock.Ticks(0.01) - 1);
        other.Host.PacingIfAny.ShouldBeNull();
        scheduler.RunUntil(VirtualClock.Ticks(0.01));

        publisher.Host.PacingIfAny.ShouldBeNull(); // it holds its own pause already (RetryStrategy.RecordPause)
        other.Host.Pacing.Remaining(scheduler.Now, scheduler.Clock).ShouldBe(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(10));
        third.Host.Pacing.Remaining(scheduler.Now, scheduler.Clock).ShouldBe(TimeSpan.FromSeconds(1.99));

        // A pause that ends no later than one already sent adds nothing to send.
        other.PauseRecorded(TimeSpan.FromSeconds(1), WaitSource.RateLimit);
        store.Published.ShouldBe(2);
        store.Broadcasts.ShouldBe(1);
    }

    [Fact]
    public void EveryPolicyOfTheFleetSafetyReport_HasNoStore()
    {
        Policies.All.ShouldAllBe(p => p.FleetStore == null);
        Policies.LibraryDefaultsWithSharedBudget().FleetStore.ShouldBe(FleetStoreSettings.Default);
    }

    [Fact]
    public void Spec_RoundTrips()
    {
        FleetStoreSettings settings = FleetStoreSettings.Parse("L=4,D=1,F=0.5,lat=5");

        settings.ShouldBe(new FleetStoreSettings(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromMilliseconds(5)));
        FleetStoreSettings.Parse(settings.Spec).ShouldBe(settings);
    }

    private static FleetStoreSettings Settings() => new(2, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(0.5));

    private static (Scheduler Scheduler, SimulatedFleetStore Store) CreateSut(FleetStoreSettings settings)
    {
        var scheduler = new Scheduler();
        return (scheduler, new SimulatedFleetStore(scheduler, settings));
    }

    private static FleetShare Join(SimulatedFleetStore store, Scheduler scheduler, int process)
    {
        var host = new HostState(Authority, 3, scheduler.Now);
        host.Fleet = store.Join(process, Client, host, 3, scheduler.Clock);
        return host.Fleet;
    }
}
