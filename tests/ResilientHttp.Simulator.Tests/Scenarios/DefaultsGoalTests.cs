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
        HerdResult result = HerdScenario.Run(new HerdSettings(retryAfter, 3), Policies.FullJitter(budget: true));

        Goal.HerdIsMet(result).ShouldBeTrue();
    }
}
