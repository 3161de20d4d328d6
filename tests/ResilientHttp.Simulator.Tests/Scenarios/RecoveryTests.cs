namespace ResilientHttp.Simulator.Tests;

public sealed class RecoveryTests
{
    [Fact]
    public void Recovery_IsTheStartOfTheFirstFiveGoodSeconds()
    {
        double[] goodput = [.. Repeat(0, 10), 0, 0, 0, .. Repeat(1, 30)];

        FleetOutageScenario.RecoverySeconds(goodput, from: 10, target: 0.9).ShouldBe(3);
    }

    [Fact]
    public void AFleetThatComesBackAndCollapsesAgain_IsNotRecovered()
    {
        double[] goodput = [.. Repeat(1, 8), .. Repeat(0, 30)];

        FleetOutageScenario.RecoverySeconds(goodput, from: 0, target: 0.9).ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public void AOneSecondDipAfterRecovery_DoesNotUndoIt()
    {
        double[] goodput = [.. Repeat(1, 10), 0.85, .. Repeat(1, 20)];

        FleetOutageScenario.RecoverySeconds(goodput, from: 0, target: 0.9).ShouldBe(0);
    }

    private static double[] Repeat(double value, int count) => [.. Enumerable.Repeat(value, count)];
}
