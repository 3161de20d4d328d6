using Microsoft.Extensions.DependencyInjection;
using ResilientHttp.Testing;
using Xunit;

namespace Catalog.Tests;

public sealed class CatalogClientTests : IDisposable
{
    private readonly VirtualTime _time = new();
    private readonly FaultScript _catalog;
    private readonly ServiceProvider _services;

    public CatalogClientTests()
    {
        _catalog = new FaultScript(_time);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_time)          // every wait of the pipeline runs on virtual time
            .AddResilientHttpDecisionRecorder();       // what the library decided, for assertions
        services.AddHttpClient<CatalogClient>(c => c.BaseAddress = new Uri("https://catalog.test/"))
            .UseFaultScript(_catalog)                  // the catalog, scripted: no network
            .AddResilientHandler();                    // as in production
        _services = services.BuildServiceProvider();
    }

    private CatalogClient Client => _services.GetRequiredService<CatalogClient>();

    private ResilienceDecisionRecorder Decisions => _services.GetRequiredService<ResilienceDecisionRecorder>();

    [Fact]
    public async Task GetItem_CatalogBrieflyUnavailable_RetriesAndReturnsTheItem()
    {
        _catalog.OnPath("/items/42", Fault.Status(503), Fault.Status(503), Fault.Ok("""{ "id": 42, "name": "kettle" }"""));

        Item? item = await _time.RunAsync(Client.GetItemAsync(42));

        Assert.Equal(new Item(42, "kettle"), item);
        Assert.Equal(3, _catalog.Requests.Count);
        Assert.All(Decisions.Decisions.Where(d => d.Kind == ResilienceDecisionKind.Retry), d => Assert.Equal("backoff", d.WaitSource));
    }

    [Fact]
    public async Task GetItem_Throttled_WaitsAsLongAsTheCatalogAsks()
    {
        _catalog.OnPath("/items/7", Fault.TooManyRequests(TimeSpan.FromSeconds(10)), Fault.Ok("""{ "id": 7, "name": "mug" }"""));

        Item? item = await _time.RunAsync(Client.GetItemAsync(7));

        Assert.Equal("mug", item?.Name);
        Assert.True(_catalog.Requests[1].At >= TimeSpan.FromSeconds(10), "the retry went out before the Retry-After");
        ResilienceDecision retry = Assert.Single(Decisions.Decisions, d => d.Kind == ResilienceDecisionKind.Retry);
        Assert.Equal("Retry-After", retry.WaitSource);
    }

    [Fact]
    public async Task GetItem_Missing_IsNotRetriedAndReturnsNull()
    {
        _catalog.OnAnyRequest(Fault.Status(404));

        Item? item = await _time.RunAsync(Client.GetItemAsync(1));

        Assert.Null(item);
        Assert.Single(_catalog.Requests);
    }

    [Fact]
    public async Task GetItem_CatalogDown_FailsAfterTheRetries_AndTheBreakerStopsTheNextCallAtOnce()
    {
        _catalog.OnAnyRequest(Fault.ConnectionRefused());

        await Assert.ThrowsAsync<HttpRequestException>(() => _time.RunAsync(Client.GetItemAsync(1)));
        await Assert.ThrowsAsync<HttpRequestException>(() => _time.RunAsync(Client.GetItemAsync(2)));

        // The first call's four attempts spent the retry budget; the second call's one attempt is the fifth
        // failure in a row, which opens the circuit: no more attempts reach the catalog.
        Assert.Equal(5, _catalog.Requests.Count);
        Assert.Contains(Decisions.Decisions, d => d.Kind == ResilienceDecisionKind.CircuitChanged && d.Event == "CircuitOpened");
        Assert.Equal(ResilienceDecisionKind.GaveUp, Decisions.Decisions[^1].Kind);
    }

    [Fact]
    public async Task GetItem_CatalogHangs_IsCutByTheAttemptTimeout()
    {
        _catalog.OnPath("/items/3", Fault.Stall(), Fault.Ok("""{ "id": 3, "name": "pan" }"""));

        Item? item = await _time.RunAsync(Client.GetItemAsync(3));

        Assert.Equal("pan", item?.Name);
        Assert.True(_catalog.Requests[1].At >= TimeSpan.FromSeconds(10), "the hanging attempt was cut before the 10 s attempt timeout");
    }

    public void Dispose() => _services.Dispose();
}
