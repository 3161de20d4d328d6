namespace ResilientHttp.Simulator.Tests;

/// <summary>Small-scale versions of the checks that prove the simulator can show a storm.</summary>
public sealed class ControlCheckTests
{
    [Theory]
    [InlineData(nameof(OutageMode.BrownOut))]
    [InlineData(nameof(OutageMode.BlackHole))]
    public void RetriesWithoutBudget_AfterA30sOutageAt07C_KeepTheFleetDown(string mode)
    {
        FleetOutageResult result = FleetOutageScenario.Run(World(100, 0.7, 30, Enum.Parse<OutageMode>(mode)), Policies.DefaultRetry(budget: false));

        result.Recovered.ShouldBeFalse();
        result.WastedFraction.ShouldBeGreaterThan(0.5);
    }

    [Fact]
    public void TheSameOutageWithoutRetries_IsSurvived()
    {
        // The control's control: the storm is the retries' doing, not the server model's.
        FleetOutageResult result = FleetOutageScenario.Run(World(100, 0.7, 30, OutageMode.BlackHole), Policies.NoRetries());

        result.Recovered.ShouldBeTrue();
    }

    [Fact]
    public void ImmediateRetriesWithoutBudget_UnderA120sBlackHole_AmplifyAtLeast3_5Times()
    {
        FleetOutageResult result = FleetOutageScenario.Run(World(100, 0.7, 120, OutageMode.BlackHole), Policies.Immediate(budget: false));

        result.Amplification.ShouldBeGreaterThanOrEqualTo(3.5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnjitteredRetriesInTheHerd_StayInLockstep(bool retryAfter)
    {
        HerdResult result = HerdScenario.Run(new HerdSettings(retryAfter, 3), Policies.ExponentialWithoutJitter(budget: false));

        result.DoneWithinCapFraction.ShouldBeLessThan(0.7);
    }

    internal static FleetOutageSettings World(int clients, double load, int outage, OutageMode mode) =>
        new(clients, load, outage, mode, 11) { Capacity = 200 };
}
