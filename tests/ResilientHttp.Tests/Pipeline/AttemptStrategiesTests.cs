namespace ResilientHttp.Tests.Pipeline;

/// <summary>The strategy seam: each hook is called on the strategies that override it, in the list's order, and on no others.</summary>
public sealed class AttemptStrategiesTests
{
    [Fact]
    public void For_EachHookListsTheStrategiesThatOverrideIt_InOrder()
    {
        using var client = TestClient.Create();

        AttemptStrategies sut = client.State.Strategies;

        sut.All.Select(s => s.GetType()).ShouldBe([typeof(RetryAfterReader), typeof(RateLimitReader), typeof(DeadlineHeaders), typeof(FaultInjector)]);
        sut.Senders.Select(s => s.GetType()).ShouldBe([typeof(DeadlineHeaders)]);
        sut.Readers.Select(s => s.GetType()).ShouldBe([typeof(RetryAfterReader), typeof(RateLimitReader)]);
        sut.Interceptors.Select(s => s.GetType()).ShouldBe([typeof(FaultInjector)]);
    }
}
