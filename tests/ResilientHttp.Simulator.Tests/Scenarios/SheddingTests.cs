namespace ResilientHttp.Simulator.Tests;

/// <summary>The brown-out against a server that sheds the attempts whose sender's time ran out in its queue.</summary>
public sealed class SheddingTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void LibraryDefaults_InA30sBrownOut_WasteFarLessAndRecoverSoonerAgainstASheddingServer(int clients)
    {
        FleetOutageSettings fifo = ControlCheckTests.World(clients, 0.7, 30, OutageMode.BrownOut);

        FleetOutageResult served = FleetOutageScenario.Run(fifo, Policies.LibraryDefaults());
        FleetOutageResult shed = FleetOutageScenario.Run(fifo with { Shedding = true }, Policies.LibraryDefaults());

        served.WastedFraction.ShouldBeGreaterThan(0.3);
        shed.WastedFraction.ShouldBeLessThan(served.WastedFraction / 2);
        shed.RecoverySeconds.ShouldBeLessThanOrEqualTo(served.RecoverySeconds - 10);
        shed.SuccessFraction.ShouldBeGreaterThan(served.SuccessFraction + 0.1);
    }

    [Fact]
    public void TheSheddingServersRemainingWaste_IsMostlyWorkStartedJustBeforeTheDeadline_NotTheSheds()
    {
        FleetOutageResult shed = FleetOutageScenario.Run(ControlCheckTests.World(100, 0.7, 30, OutageMode.BrownOut) with { Shedding = true }, Policies.LibraryDefaults());

        shed.ShedFraction.ShouldBeGreaterThan(0);
        shed.ShedFraction.ShouldBeLessThan(shed.WastedFraction / 5);
    }

    [Fact]
    public void SheddingWorlds_AreTheBrownOutsAgain_WithTheSameSeeds()
    {
        IReadOnlyList<FleetOutageSettings> worlds = Sweep.FleetWorlds(1, 1000);

        IReadOnlyList<FleetOutageSettings> shedding = Sweep.SheddingWorlds(worlds);

        shedding.Select(w => w with { Shedding = false }).ShouldBe(worlds.Where(w => w is { IsTransient: false, Mode: OutageMode.BrownOut }));
        shedding.ShouldAllBe(w => w.Shedding);
    }
}
