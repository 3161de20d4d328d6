namespace ResilientHttp.Tests.Retry;

/// <summary>R3 through the handler: the waits between attempts are the backoff's.</summary>
public sealed class BackoffHandlerTests
{
    [Fact]
    public async Task Send_AlwaysFailing_WaitsOneTwoFourSecondsBetweenAttempts()
    {
        using var sut = TestClient.Create(o => o.CircuitBreaker.Enabled = false, random: 0.5).RespondStatuses(503);

        using HttpResponseMessage response = await sut.GetAsync();

        var at = sut.Sent.Select(s => s.At.TotalSeconds).ToArray();
        at.Length.ShouldBe(4);
        (at[1] - at[0]).ShouldBe(1, tolerance: 0.011);
        (at[2] - at[1]).ShouldBe(2, tolerance: 0.011);
        (at[3] - at[2]).ShouldBe(4, tolerance: 0.011);
    }

    [Fact]
    public async Task Send_LowestDraw_WaitsHalfTheNominalBackoff()
    {
        using var sut = TestClient.Create(random: 0.0).RespondStatuses(503, 503, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        var at = sut.Sent.Select(s => s.At.TotalSeconds).ToArray();
        (at[1] - at[0]).ShouldBe(0.5, tolerance: 0.011);
        (at[2] - at[1]).ShouldBe(1.0, tolerance: 0.011);
    }
}
