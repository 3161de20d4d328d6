namespace ResilientHttp.Tests.Fleet;

/// <summary>The fleet's bucket: one client's size for the whole fleet, the spending before the earnings, a bounded debt.</summary>
public sealed class FleetBucketTests
{
    [Theory]
    [InlineData(null, 0, 0, 3, 3)]        // a bucket the store does not hold is full
    [InlineData(null, 0, 2, 3, 1)]
    [InlineData(1.0, 5.0, 0, 3, 3)]       // earnings stop at the capacity
    [InlineData(3.0, 2.0, 3, 3, 2)]       // the batch's earnings pay for its spending before the cap cuts them
    [InlineData(0.0, 0, 100, 3, -3)]      // the debt stops at −capacity
    [InlineData(-3.0, 0.5, 0, 3, -2.5)]
    public void Apply(double? balance, double earned, int spent, int capacity, double expected) =>
        FleetBucket.Apply(balance, new FleetReport(earned, spent), capacity).ShouldBe(expected, 0.000001);

    [Theory]
    [InlineData(3.0, 2, 2)]
    [InlineData(1.5, 4, 1)]
    [InlineData(1.0, 4, 1)]
    [InlineData(0.99, 4, 0)]
    [InlineData(-2.0, 4, 0)]
    public void Lease_IsWholeTokens_AtMostTheLeaseSize(double balance, int leaseSize, int expected) =>
        FleetBucket.Lease(balance, leaseSize).ShouldBe(expected);
}
