using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Tests.DependencyInjection;

/// <summary>K3: a change to the section applies to new calls; an invalid change keeps the last valid options and logs why.</summary>
public sealed class ReloadTests
{
    private static (TestClient Sut, IConfigurationRoot Configuration, ListLogger Logs) CreateSut(int maxAttempts)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .Add(new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { ["ResilientHttp:Clients:test:Retry:MaxAttempts"] = $"{maxAttempts}" } })
            .Build();
        var logs = new ListLogger();
        TestClient sut = TestClient.Create(
            o => o.CircuitBreaker.Enabled = false,
            services: s => s.AddSingleton<IConfiguration>(configuration).AddLogging(b => b.AddProvider(logs)));
        sut.RespondStatuses(503);
        return (sut, configuration, logs);
    }

    [Fact]
    public async Task Reload_ValidChange_AppliesToTheNextCall()
    {
        (TestClient sut, IConfigurationRoot configuration, ListLogger _) = CreateSut(maxAttempts: 2);
        using TestClient owned = sut;
        using (await sut.GetAsync())
        {
        }

        configuration["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "3";
        configuration.Reload();
        using (await sut.GetAsync())
        {
        }

        sut.Sent.Count.ShouldBe(2 + 3);
    }

    [Fact]
    public async Task Reload_InvalidChange_KeepsTheLastValidOptionsAndLogsAnErrorNamingTheKey()
    {
        (TestClient sut, IConfigurationRoot configuration, ListLogger logs) = CreateSut(maxAttempts: 2);
        using TestClient owned = sut;
        using (await sut.GetAsync())
        {
        }

        configuration["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "0";
        configuration["ResilientHttp:Clients:test:Retry:MaxAtempts"] = "3";
        configuration.Reload();
        using (await sut.GetAsync())
        {
        }

        sut.Sent.Count.ShouldBe(2 + 2);
        var error = logs.Entries.Single(e => e.Level == LogLevel.Error);
        error.Id.Name.ShouldBe("OptionsReloadRejected");
        error.Message.ShouldContain("ResilientHttp:Clients:test:Retry:MaxAtempts is not a known setting");
    }

    [Fact]
    public async Task Reload_AfterAnInvalidChange_AFixedChangeAppliesAgain()
    {
        (TestClient sut, IConfigurationRoot configuration, ListLogger _) = CreateSut(maxAttempts: 2);
        using TestClient owned = sut;
        configuration["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "99";
        configuration.Reload();
        configuration["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "1";
        configuration.Reload();

        using (await sut.GetAsync())
        {
        }

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reload_KeepsBreakerAndBudgetState()
    {
        (TestClient sut, IConfigurationRoot configuration, ListLogger _) = CreateSut(maxAttempts: 1);
        using TestClient owned = sut;
        HostState before = sut.Host;
        before.Budget.TryWithdraw().ShouldBeTrue();
        double tokens = before.Budget.Tokens;

        configuration["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "2";
        configuration.Reload();
        using (HttpResponseMessage response = await sut.GetAsync())
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        sut.Host.ShouldBeSameAs(before);
        before.Budget.Tokens.ShouldBe(tokens - 1);
    }
}
