namespace ResilientHttp.Simulator.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public void SameSeed_GivesTheSameRun_BitForBit()
    {
        FleetOutageResult first = FleetOutageScenario.Run(Small(seed: 5), Policies.DefaultRetry(budget: true));
        FleetOutageResult second = FleetOutageScenario.Run(Small(seed: 5), Policies.DefaultRetry(budget: true));

        second.Requests.ShouldBe(first.Requests);
        second.Attempts.ShouldBe(first.Attempts);
        second.OfferedLoad.ShouldBe(first.OfferedLoad);
        second.Goodput.ShouldBe(first.Goodput);
        BitConverter.DoubleToInt64Bits(second.WastedFraction).ShouldBe(BitConverter.DoubleToInt64Bits(first.WastedFraction));
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentRuns()
    {
        FleetOutageResult first = FleetOutageScenario.Run(Small(seed: 5), Policies.DefaultRetry(budget: true));
        FleetOutageResult second = FleetOutageScenario.Run(Small(seed: 6), Policies.DefaultRetry(budget: true));

        second.OfferedLoad.ShouldNotBe(first.OfferedLoad);
    }

    [Fact]
    public void Report_IsTheSameForTheSameSeed()
    {
        string first = WriteReport();
        string second = WriteReport();

        File.ReadAllText(Path.Combine(second, "fleet-safety.md")).ShouldBe(File.ReadAllText(Path.Combine(first, "fleet-safety.md")));
        File.ReadAllText(Path.Combine(second, "img", "offered-brownout.svg")).ShouldBe(File.ReadAllText(Path.Combine(first, "img", "offered-brownout.svg")));
        File.ReadAllText(Path.Combine(second, "img", SheddingReport.ChartFile)).ShouldBe(File.ReadAllText(Path.Combine(first, "img", SheddingReport.ChartFile)));
        File.ReadAllText(Path.Combine(second, "fleet-safety.csv")).ShouldBe(File.ReadAllText(Path.Combine(first, "fleet-safety.csv")));
    }

    private static string WriteReport()
    {
        string directory = Path.Combine(Path.GetTempPath(), "sim-report-" + Guid.NewGuid().ToString("N"));
        Policy[] policies = [Policies.NoRetries(), Policies.DefaultRetry(budget: true), Policies.LibraryDefaults()];
        FleetOutageSettings[] worlds =
        [
            .. Sweep.Modes.Select(mode => new FleetOutageSettings(1_000, 0.7, 30, mode, 9) { Capacity = 100 }),
            new FleetOutageSettings(100, 0.7, 0, OutageMode.FailFast, 9) { Capacity = 100, TransientFailureRate = 0.05 },
        ];
        IReadOnlyList<FleetOutageResult> fleet = Sweep.RunFleet(worlds, policies, parallelism: 2);
        IReadOnlyList<HerdResult> herd = Sweep.RunHerd(9, policies, parallelism: 2);
        IReadOnlyList<FleetOutageResult> shedding = Sweep.RunFleet(Sweep.SheddingWorlds(worlds), Sweep.SheddingPolicies, parallelism: 2);
        IReadOnlyList<QuotaResult> quota = Sweep.RunQuota(9, Sweep.QuotaPolicies, parallelism: 2);
        new MarkdownReport(directory, 9, 100, policies, fleet, herd, shedding, quota).Write();
        return directory;
    }

    private static FleetOutageSettings Small(ulong seed) => new(100, 0.7, 30, OutageMode.BlackHole, seed) { Capacity = 200 };
}
