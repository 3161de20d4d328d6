namespace ResilientHttp.Simulator.Tests;

/// <summary>P1 in the quota herd: what a server that announces its quota saves the clients that listen.</summary>
public sealed class QuotaHerdTests
{
    [Fact]
    public void AQuotaPerClient_HeadersHonoured_CollectsAlmostNo429sAndEveryCallSucceeds()
    {
        QuotaResult honoured = QuotaScenario.Run(World(QuotaScope.PerClient), Policies.LibraryDefaults());
        QuotaResult ignored = QuotaScenario.Run(World(QuotaScope.PerClient), Policies.LibraryDefaultsIgnoringRateLimitHeaders());

        honoured.TooManyRequestsPerCall.ShouldBeLessThanOrEqualTo(0.01);
        honoured.SuccessFraction.ShouldBe(1);
        ignored.TooManyRequestsPerCall.ShouldBeGreaterThan(0.3);
        ignored.SuccessFraction.ShouldBeLessThan(0.9);
    }

    [Fact]
    public void AQuotaPerClient_TheHoldComesFromTheHeaders_NotFromRetries()
    {
        // One send per call: only the pause the 200 asked for keeps the next calls from the spent quota.
        QuotaResult once = QuotaScenario.Run(World(QuotaScope.PerClient), Policies.NoRetries());
        QuotaResult naive = QuotaScenario.Run(World(QuotaScope.PerClient), Policies.NoRetriesIgnoringRateLimitHeaders());

        once.TooManyRequestsPerCall.ShouldBeLessThanOrEqualTo(0.01);
        once.WaitSecondsPerCall.ShouldBeGreaterThan(0);
        naive.SuccessFraction.ShouldBe(0.25, 0.01); // 5 of each client's 20 calls: the first window's
    }

    [Fact]
    public void OneQuotaForTheFleet_HeadersHonoured_FinishSoonerWithFewer429s_ButEachClientStillLearnsFromItsOwn429()
    {
        QuotaResult honoured = QuotaScenario.Run(World(QuotaScope.Shared), Policies.LibraryDefaults());
        QuotaResult ignored = QuotaScenario.Run(World(QuotaScope.Shared), Policies.LibraryDefaultsIgnoringRateLimitHeaders());

        honoured.TooManyRequestsPerCall.ShouldBeLessThan(ignored.TooManyRequestsPerCall);
        honoured.DoneSeconds.ShouldBeLessThan(ignored.DoneSeconds);
        honoured.SuccessFraction.ShouldBe(1);

        // A client hears of the spent quota only from its own answers: about one 429 per client per window it waits out.
        honoured.TooManyRequestsPerCall.ShouldBeGreaterThan(0.05);
    }

    [Fact]
    public void SameSeed_GivesTheSameQuotaRun()
    {
        QuotaResult first = QuotaScenario.Run(World(QuotaScope.Shared), Policies.LibraryDefaults());
        QuotaResult second = QuotaScenario.Run(World(QuotaScope.Shared), Policies.LibraryDefaults());

        second.ShouldBe(first);
    }

    private static QuotaSettings World(QuotaScope scope) => new(scope, 3);
}
