using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ResilientHttp.Interop.Tests;

namespace ResilientHttp.AspireStyle.Tests;

/// <summary>
/// The Aspire-style service, started with WebApplicationFactory against a real Kestrel upstream answering 503:
/// its service defaults put the standard handler on every client; the client swapped with one line sends what
/// ResilientHttp allows, the other keeps the standard handler's own retries. The upstream counts the sends.
/// </summary>
public sealed class AspireStyleTests : IAsyncLifetime
{
    // Ours, from configuration as a user would set it; the standard handler keeps its 3 retries (4 sends).
    private const int OurAttempts = 3;
    private const int StandardHandlerSends = 4;

    private Upstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await Upstream.StartAsync(503);

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private WebApplicationFactory<Program> CreateService() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Upstream:BaseUrl", _upstream.Address.ToString());
            web.UseSetting("ResilientHttp:Defaults:Retry:MaxAttempts", OurAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // Real time: short waits for both layers, the counts are what these tests check.
            web.UseSetting("ResilientHttp:Defaults:Retry:BaseDelay", "00:00:00.010");
            web.UseSetting("ResilientHttp:Defaults:Retry:MaxDelay", "00:00:00.050");
            web.ConfigureTestServices(services =>
            {
                services.ConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
                // The log events are asserted on, not printed.
                services.RemoveAll<ILoggerProvider>();
                services.AddFakeLogging();
            });
        });

    [Fact]
    public async Task Get_SwappedClient_ReachesTheUpstreamMaxAttemptsTimesNotTheProductOfTwoLayers()
    {
        await using WebApplicationFactory<Program> service = CreateService();

        using HttpResponseMessage response = await service.CreateClient().GetAsync("/catalog/42");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _upstream.Requests.ShouldBe(OurAttempts);
    }

    [Fact]
    public async Task Get_ClientLeftOnTheDefaults_KeepsTheStandardHandlersOwnRetries()
    {
        await using WebApplicationFactory<Program> service = CreateService();

        using HttpResponseMessage response = await service.CreateClient().GetAsync("/inventory/42");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _upstream.Requests.ShouldBe(StandardHandlerSends);
    }

    [Fact]
    public async Task Get_BothClients_LogTheReplacementOnlyForTheSwappedClient()
    {
        await using WebApplicationFactory<Program> service = CreateService();
        HttpClient client = service.CreateClient();

        foreach (string path in (string[])["/catalog/1", "/inventory/1"])
        {
            using HttpResponseMessage response = await client.GetAsync(path);
        }

        FakeLogRecord replaced = service.Services.GetRequiredService<FakeLogCollector>().GetSnapshot()
            .Where(r => r.Id.Name == "ResilienceHandlerReplaced").ShouldHaveSingleItem();
        replaced.StructuredState!.ShouldContain(kv => kv.Key == "ClientName" && kv.Value == nameof(CatalogClient));
        replaced.StructuredState!.ShouldContain(kv => kv.Key == "RemovedHandlers" && kv.Value == "Microsoft.Extensions.Http.Resilience.ResilienceHandler");
        _upstream.Requests.ShouldBe(OurAttempts + StandardHandlerSends);
    }
}
