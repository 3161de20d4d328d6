namespace ResilientHttp.Simulator.Tests;

/// <summary>
/// <i>library defaults + shared budget</i>: the fleet store's one bucket bounds a fleet of many small clients, where each
/// process's own budget cannot (docs/fleet-store.md).
/// </summary>
public sealed class SharedBudgetTests
{
    [Theory]
    [InlineData(nameof(OutageMode.BlackHole))]
    [InlineData(nameof(OutageMode.FailFast))]
    public void TenThousandClients_ThirtySecondOutage_SharedBudgetAmplifiesAtMost1_2AndRecoversAsNoRetries_LibraryDefaultsDoNot(string mode)
    {
        FleetOutageSettings world = LargeFleet(Enum.Parse<OutageMode>(mode));

        FleetOutageResult shared = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());
        FleetOutageResult local = FleetOutageScenario.Run(world, Policies.LibraryDefaults());
        FleetOutageResult none = FleetOutageScenario.Run(world, Policies.NoRetries());

        shared.Amplification.ShouldBeLessThanOrEqualTo(1.2);
        shared.RecoverySeconds.ShouldBeLessThanOrEqualTo(none.RecoverySeconds + 2);
        shared.SuccessFraction.ShouldBeGreaterThanOrEqualTo(none.SuccessFraction - 0.01);
        local.Amplification.ShouldBeGreaterThan(1.3);
        shared.StoreLowestBalance.ShouldBe(-3); // the fleet's bucket ran dry: it is what held the retries back
    }

    [Fact]
    public void TheStoreIsWhatBoundsTheFleet_WithoutItTheSamePolicyIsLibraryDefaults()
    {
        FleetOutageSettings world = LargeFleet(OutageMode.BlackHole);

        FleetOutageResult shared = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());
        FleetOutageResult unshared = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget() with { FleetStore = null });

        shared.StoreRounds.ShouldBeGreaterThan(0);
        unshared.StoreRounds.ShouldBe(0);
        unshared.Amplification.ShouldBeGreaterThan(shared.Amplification + 0.2);
    }

    [Fact]
    public void ALongerLease_IsLessOftenStale_SoTheStoreIsAskedLessOften()
    {
        FleetOutageSettings world = Transient(1_000);

        FleetOutageResult shortLease = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget(FleetStoreSettings.Default with { LeaseDuration = TimeSpan.FromSeconds(1) }));
        FleetOutageResult longLease = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget(FleetStoreSettings.Default with { LeaseDuration = TimeSpan.FromSeconds(5) }));

        longLease.StoreRounds.ShouldBeLessThan(shortLease.StoreRounds);
    }

    [Fact]
    public void TenThousandClients_TransientFailures_ARetryMetWithAStaleLease_WaitsForTheStore_AndIsMade()
    {
        // A process of a fleet this size calls every ~14 s, so its lease is stale when a call fails. The retry then waits
        // one round trip for the store's answer (LoopAction.Ask) instead of being refused on old news: retries do their job.
        FleetOutageSettings world = Transient(10_000);
        FleetOutageResult none = FleetOutageScenario.Run(world, Policies.NoRetries());

        FleetOutageResult shared = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());

        WorldGoal.Recovered(shared, none).ShouldBeGreaterThanOrEqualTo(0.9);
        shared.StoreRounds.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void OneQuotaForTheFleet_SharedPauses_CollectFewer429s()
    {
        var world = new QuotaSettings(QuotaScope.Shared, 3);

        QuotaResult shared = QuotaScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());
        QuotaResult local = QuotaScenario.Run(world, Policies.LibraryDefaults());

        shared.TooManyRequestsPerCall.ShouldBeLessThan(local.TooManyRequestsPerCall);
    }

    [Fact]
    public void AQuotaPerClient_SharedPauses_HoldEveryProcessForAQuotaItHasNotSpent()
    {
        var world = new QuotaSettings(QuotaScope.PerClient, 3);

        QuotaResult shared = QuotaScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());
        QuotaResult local = QuotaScenario.Run(world, Policies.LibraryDefaults());

        shared.DoneSeconds.ShouldBeGreaterThan(2 * local.DoneSeconds);
    }

    [Fact]
    public void SameSeed_GivesTheSameSharedBudgetRun()
    {
        FleetOutageSettings world = new(1_000, 0.7, 10, OutageMode.BlackHole, 11);

        FleetOutageResult first = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());
        FleetOutageResult second = FleetOutageScenario.Run(world, Policies.LibraryDefaultsWithSharedBudget());

        second.Attempts.ShouldBe(first.Attempts);
        second.StoreRounds.ShouldBe(first.StoreRounds);
        second.Goodput.ShouldBe(first.Goodput);
    }

    private static FleetOutageSettings LargeFleet(OutageMode mode) => new(10_000, 0.7, 30, mode, 11);

    private static FleetOutageSettings Transient(int clients) => new(clients, 0.7, 0, OutageMode.FailFast, 11) { TransientFailureRate = 0.05 };
}
