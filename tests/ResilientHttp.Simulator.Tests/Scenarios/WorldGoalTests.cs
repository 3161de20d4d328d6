namespace ResilientHttp.Simulator.Tests;

/// <summary>The per-world goals: each judged against *no retries* in the same world.</summary>
public sealed class WorldGoalTests
{
    private static readonly FleetOutageSettings World = new(10, 0.9, 5, OutageMode.FailFast, 1);

    private static FleetOutageResult Result(double success = 0.9, double recovery = 0, long attempts = 100, double peak = 0.9, FleetOutageSettings? world = null) =>
        new(world ?? World, "p", 100, attempts, peak, recovery, success, 0, [], []);

    private static WorldGoal Named(string start) => WorldGoal.All.Single(g => g.Name.StartsWith(start, StringComparison.Ordinal));

    [Theory]
    [InlineData(0.89, true)]
    [InlineData(0.8899, false)]
    public void Success_AtMostOnePointBelowNoRetries_IsMet(double success, bool met)
    {
        Named("success").IsMet(Result(success: success), Result(success: 0.9)).ShouldBe(met);
    }

    [Theory]
    [InlineData(3, 1, true)]
    [InlineData(3.5, 1, false)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, true)]
    [InlineData(double.PositiveInfinity, 100, false)]
    public void Recovery_AtMostTwoSecondsAfterNoRetries_IsMet(double ours, double none, bool met)
    {
        Named("recovery").IsMet(Result(recovery: ours), Result(recovery: none)).ShouldBe(met);
    }

    [Theory]
    [InlineData(10, 120, true)]
    [InlineData(10, 121, false)]
    [InlineData(10_000, 200, true)]
    public void Amplification_AtMost1_2_IsJudgedOnlyUpTo1000Clients(int clients, long attempts, bool met)
    {
        WorldGoal goal = Named("amplification");
        FleetOutageSettings world = World with { Clients = clients };

        bool judged = goal.Applies(world);

        (!judged || goal.IsMet(Result(attempts: attempts, world: world), Result(world: world))).ShouldBe(met);
    }

    [Theory]
    [InlineData(1.0, 0.97, true)]
    [InlineData(1.001, 0.97, false)]
    [InlineData(1.004, 1.004, true)]
    [InlineData(1.01, 1.004, false)]
    public void Peak_AtMostCapacityOrNoRetriesOwnPeak_IsMet(double ours, double none, bool met)
    {
        Named("peak").IsMet(Result(peak: ours), Result(peak: none)).ShouldBe(met);
    }

    [Theory]
    [InlineData(0.995, 0.95, true)]
    [InlineData(0.994, 0.95, false)]
    public void Transient_NinetyPercentOfWhatNoRetriesLoses_IsMet(double ours, double none, bool met)
    {
        FleetOutageSettings world = World with { OutageSeconds = 0, TransientFailureRate = 0.05 };
        WorldGoal goal = Named("transient");

        goal.Applies(world).ShouldBeTrue();
        goal.Applies(World).ShouldBeFalse();
        goal.IsMet(Result(success: ours, world: world), Result(success: none, world: world)).ShouldBe(met);
    }
}
