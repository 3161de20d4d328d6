using Microsoft.Extensions.Time.Testing;
using ResilientHttp.Tests.Integration;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>
/// C6: the memory a full host table retains. It measures the whole process's heap, so it runs alone, with
/// the soak, after every other test: a test allocating next to it would be counted as the table's.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class HostTableMemoryTests
{
    [Fact]
    public void Get_FullTable_RetainsLessThanOneKilobytePerTrackedHost()
    {
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = 10_000 } };
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var sut = new HostTable(new FakeTimeProvider());

        for (int i = 0; i < 100_000; i++)
        {
            sut.Get(new Uri($"http://host{i}.test/"), options);
        }

        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(sut);
        sut.Count.ShouldBeLessThanOrEqualTo(10_000);
        (retained / (double)sut.Count).ShouldBeLessThan(1024);
    }
}
