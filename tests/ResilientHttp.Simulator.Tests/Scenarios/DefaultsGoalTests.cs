namespace ResilientHttp.Simulator.Tests;

/// <summary>
/// Small-scale versions of the goals for the library's defaults, where the full sweep shows them met: a small
/// fleet (10 clients, so that each client's budget sees enough traffic to run dry) at C = 200.
/// </summary>
public sealed class DefaultsGoalTests
{
    [Theory]
    [InlineData(nameof(OutageMode.FailFast))]
    [InlineData(nameof(OutageMode.BlackHole))]
    public void DefaultRetryWithBudget_SmallFleet_KeepsAmplificationPeakAndWasteDownAndRecovers(string mode)
    {
        FleetOutageResult result = FleetOutageScenario.Run(ControlCheckTests.World(10, 0.7, 30, Enum.Parse<OutageMode>(mode)), Policies.DefaultRetry(budget: true));

        result.Amplification.ShouldBeLessThanOrEqualTo(1.2);
        result.PeakOfferedAfterRecovery.ShouldBeLessThanOrEqualTo(1.0);
        result.RecoverySeconds.ShouldBeLessThanOrEqualTo(10);
        result.WastedFraction.ShouldBeLessThanOrEqualTo(0.07);
    }

    [Fact]
    public void TheBudget_IsWhatSavesTheFleet()
    {
        FleetOutageSettings world = ControlCheckTests.World(10, 0.7, 30, OutageMode.BlackHole);

        FleetOutageResult with = FleetOutageScenario.Run(world, Policies.DefaultRetry(budget: true));
        FleetOutageResult without = FleetOutageScenario.Run(world, Policies.DefaultRetry(budget: false));

        with.Recovered.ShouldBeTrue();
        without.Recovered.ShouldBeFalse();
        with.Amplification.ShouldBeLessThan(without.Amplification / 2);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void JitteredDefaults_InTheHerd_FinishEveryClientWithin6_5SendsAnd99PercentIn12s(bool retryAfter)
    {
        HerdResult result = HerdScenario.Run(new HerdSettings(retryAfter, 3), Policies.LibraryDefaults());

        result.SuccessFraction.ShouldBe(1);
        result.AttemptsPerClient.ShouldBeLessThanOrEqualTo(6.5);
        result.Seconds99.ShouldBeLessThanOrEqualTo(12);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FullJitter_InTheHerd_FinishesEveryClientWithin6_5SendsAnd99PercentIn12s(bool retryAfter)
    {
        // Without the budget: with its burst of 3, full jitter's short first waits (under 1 s) spend it before the herd thins.
        HerdResult result = HerdScenario.Run(new HerdSettings(retryAfter, 3), Policies.FullJitter(budget: false));

        Goal.HerdIsMet(result).ShouldBeTrue();
    }

    [Theory]
    [InlineData(nameof(OutageMode.FailFast), 1)]
    [InlineData(nameof(OutageMode.FailFast), 30)]
    [InlineData(nameof(OutageMode.BlackHole), 5)]
    [InlineData(nameof(OutageMode.BlackHole), 30)]
    [InlineData(nameof(OutageMode.BrownOut), 5)]
    public void LibraryDefaults_SmallFleet_MeetEveryPerWorldGoalAgainstNoRetries(string mode, int outage)
    {
        FleetOutageSettings world = ControlCheckTests.World(10, 0.7, outage, Enum.Parse<OutageMode>(mode));

        FleetOutageResult ours = FleetOutageScenario.Run(world, Policies.LibraryDefaults());
        FleetOutageResult none = FleetOutageScenario.Run(world, Policies.NoRetries());

        foreach (WorldGoal goal in WorldGoal.All.Where(g => g.Applies(world)))
        {
            goal.IsMet(ours, none).ShouldBeTrue($"{goal.Name}: success {ours.SuccessFraction:P1} ({none.SuccessFraction:P1}), recovery {ours.RecoverySeconds} s ({none.RecoverySeconds} s), amplification {ours.Amplification:0.00}, peak {ours.PeakOfferedAfterRecovery:0.000} ({none.PeakOfferedAfterRecovery:0.000})");
        }
    }

    [Fact]
    public void TheOldThirtySecondBreak_InALongBlackHole_RecoversFarLaterThanNoRetries()
    {
        FleetOutageSettings world = ControlCheckTests.World(10, 0.7, 30, OutageMode.BlackHole);

        FleetOutageResult old = FleetOutageScenario.Run(world, Candidate.Parse("B=30,M=30,J=0").ToPolicy());
        FleetOutageResult ours = FleetOutageScenario.Run(world, Policies.LibraryDefaults());
        FleetOutageResult none = FleetOutageScenario.Run(world, Policies.NoRetries());

        old.RecoverySeconds.ShouldBeGreaterThan(none.RecoverySeconds + 10);
        ours.RecoverySeconds.ShouldBeLessThanOrEqualTo(none.RecoverySeconds + 2);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void LibraryDefaults_TransientFailures_RecoverNinetyPercentOfWhatNoRetriesLoses(double rate)
    {
        FleetOutageSettings world = ControlCheckTests.World(10, 0.7, 0, OutageMode.FailFast) with { TransientFailureRate = rate };

        FleetOutageResult ours = FleetOutageScenario.Run(world, Policies.LibraryDefaults());
        FleetOutageResult none = FleetOutageScenario.Run(world, Policies.NoRetries());

        none.SuccessFraction.ShouldBeLessThan(1 - (rate / 2));
        WorldGoal.Recovered(ours, none).ShouldBeGreaterThanOrEqualTo(0.9);
    }
}
