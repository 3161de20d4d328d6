using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ResilientHttp.SampleApi.Tests;

/// <summary>
/// The sample service, started with WebApplicationFactory against a real Kestrel upstream: what its
/// appsettings.json says is what it does.
/// </summary>
public sealed class SampleApiTests : IAsyncLifetime
{
    private Upstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await Upstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private WebApplicationFactory<Program> CreateService(string environment, Dictionary<string, string?>? settings = null, MemoryConfigurationSource? source = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.ConfigureAppConfiguration(config =>
            {
                var values = new Dictionary<string, string?>
                {
                    ["Upstream:BaseUrl"] = _upstream.Address.ToString(),

                    // Real time: keep the waits short, the counts are what these tests check.
                    ["ResilientHttp:Defaults:Retry:BaseDelay"] = "00:00:00.010",
                    ["ResilientHttp:Defaults:Retry:MaxDelay"] = "00:00:00.050",
                };
                foreach (KeyValuePair<string, string?> setting in settings ?? [])
                {
                    values[setting.Key] = setting.Value;
                }

                config.Add(source ?? new MemoryConfigurationSource());
                config.AddInMemoryCollection(values);
            });
        });

    [Fact]
    public async Task Get_UpstreamHealthy_PassesItsAnswerThrough()
    {
        await using WebApplicationFactory<Program> service = CreateService("Production");

        string body = await service.CreateClient().GetStringAsync("/weather/paris");

        body.ShouldBe("{\"forecast\":\"sunny\"}");
        _upstream.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Get_UpstreamFailing_MakesTheAttemptsItsClientEntryConfigures()
    {
        _upstream.StatusOf = _ => 503;
        await using WebApplicationFactory<Program> service = CreateService("Production");

        using HttpResponseMessage response = await service.CreateClient().GetAsync("/weather/paris");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        _upstream.Requests.ShouldBe(3); // appsettings.json: Clients:UpstreamClient:Retry:MaxAttempts = 3
    }

    [Fact]
    public async Task Get_PerClientOverride_WinsOverTheDefaults()
    {
        _upstream.StatusOf = _ => 503;
        await using WebApplicationFactory<Program> service = CreateService("Production", new() { ["ResilientHttp:Clients:UpstreamClient:Retry:MaxAttempts"] = "5" });

        using HttpResponseMessage response = await service.CreateClient().GetAsync("/weather/paris");

        _upstream.Requests.ShouldBe(5);
    }

    [Fact]
    public async Task Get_UpstreamRecovers_TheCallerSeesOnlyTheSuccess()
    {
        _upstream.StatusOf = n => n < 3 ? 503 : 200;
        await using WebApplicationFactory<Program> service = CreateService("Production");

        using HttpResponseMessage response = await service.CreateClient().GetAsync("/weather/paris");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _upstream.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task Get_UpstreamDown_OpensTheCircuitAndAnswers503AtOnce()
    {
        _upstream.StatusOf = _ => 500;
        await using WebApplicationFactory<Program> service = CreateService("Production");
        HttpClient client = service.CreateClient();
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage failed = await client.GetAsync("/weather/paris");
            failed.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        using HttpResponseMessage refused = await client.GetAsync("/weather/paris");

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("circuit");
        _upstream.Requests.ShouldBe(5);
    }

    [Fact]
    public async Task Health_WhileTheUpstreamCircuitIsOpen_IsDegraded()
    {
        _upstream.StatusOf = _ => 500;
        await using WebApplicationFactory<Program> service = CreateService("Production");
        HttpClient client = service.CreateClient();
        (await client.GetStringAsync("/health")).ShouldBe("Healthy");
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage failed = await client.GetAsync("/weather/paris");
        }

        (await client.GetStringAsync("/health")).ShouldBe("Degraded");
    }

    [Fact]
    public async Task Get_AfterAReload_UsesTheNewAttemptCount()
    {
        _upstream.StatusOf = _ => 503;
        var source = new MemoryConfigurationSource();
        await using WebApplicationFactory<Program> service = CreateService("Production", source: source);
        HttpClient client = service.CreateClient();
        using (await client.GetAsync("/weather/paris"))
        {
        }

        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        configuration["ResilientHttp:Clients:UpstreamClient:Retry:MaxAttempts"] = "1";
        configuration.Reload();
        using (await client.GetAsync("/weather/paris"))
        {
        }

        _upstream.Requests.ShouldBe(3 + 1);
    }

    [Fact]
    public async Task Start_InvalidConfiguration_FailsAtStartUpNamingTheKey()
    {
        await using WebApplicationFactory<Program> service = CreateService("Production", new() { ["ResilientHttp:Clients:UpstreamClient:Retry:MaxAtempts"] = "5" });

        OptionsValidationException ex = Should.Throw<OptionsValidationException>(() => service.CreateClient());

        ex.Failures.ShouldContain(f => f.StartsWith("ResilientHttp:Clients:UpstreamClient:Retry:MaxAtempts is not a known setting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_Development_UsesTheShorterTimeoutsOfItsOverride()
    {
        await using WebApplicationFactory<Program> service = CreateService("Development");
        service.CreateClient();

        var options = service.Services.GetRequiredService<IOptionsMonitor<ResilientHttpOptions>>().Get(nameof(UpstreamClient));

        options.AttemptTimeout.ShouldBe(TimeSpan.FromSeconds(2));
        options.TotalTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        options.Retry.MaxAttempts.ShouldBe(3);
    }
}
