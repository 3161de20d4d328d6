using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Tests.FaultInjection;

/// <summary>
/// Fault injection for staging, from configuration: off unless configured; faults injected below the breaker, so the
/// whole pipeline reacts as to real ones; each one logged and counted as injected; a reload changes or ends it.
/// </summary>
public sealed class FaultInjectionTests
{
    private const string Key = "ResilientHttp:Clients:test:FaultInjection:";

    private static (TestClient Sut, IConfigurationRoot Configuration, ListLogger Logs) FromConfiguration(Dictionary<string, string?> settings, double random = 0.5)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().Add(new MemoryConfigurationSource { InitialData = settings }).Build();
        var logs = new ListLogger();
        TestClient sut = TestClient.Create(random: random, services: s => s.AddSingleton<IConfiguration>(configuration).AddLogging(b => b.AddProvider(logs)));
        sut.RespondStatuses(200);
        return (sut, configuration, logs);
    }

    [Fact]
    public async Task Configured_EveryAttemptFaulted_NoneReachesTheNetwork_AndTheRetriesAndBreakerReactAsToARealFault()
    {
        (TestClient sut, _, ListLogger logs) = FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "FaultRate"] = "1" });
        using TestClient owned = sut;

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.ReasonPhrase!.ShouldContain("Injected");
        sut.Sent.ShouldBeEmpty();
        logs.Entries.Count(e => e.Id.Name == "FaultInjected").ShouldBe(4); // every attempt of the default four
        logs.Entries.Count(e => e.Id.Name == "RetryScheduled").ShouldBe(3);
        sut.Host.Circuit.ConsecutiveFailures.ShouldBe(4);
    }

    [Fact]
    public async Task Configured_StatusCodes_ReplaceTheDefaultAndArePickedFromTheList()
    {
        (TestClient sut, _, _) = FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "FaultRate"] = "1", [Key + "StatusCodes:0"] = "500", [Key + "StatusCodes:1"] = "429" }, random: 0.75);
        using TestClient owned = sut;

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests); // 0.75 picks the second of two
        sut.State.Options.FaultInjection.StatusCodes.ShouldBe([500, 429]);
    }

    [Fact]
    public async Task NotConfigured_IsOff_AndCallsReachTheNetwork()
    {
        (TestClient sut, _, ListLogger logs) = FromConfiguration(new() { [Key + "FaultRate"] = "1" });
        using TestClient owned = sut;

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(1);
        logs.Entries.ShouldNotContain(e => e.Id.Name == "FaultInjected");
        new ResilientHttpOptions().FaultInjection.Enabled.ShouldBeFalse();
    }

    [Fact]
    public async Task Reload_TurnsItOnForTheNextCall_ThenOffAgain()
    {
        (TestClient sut, IConfigurationRoot configuration, _) = FromConfiguration(new() { [Key + "FaultRate"] = "1" });
        using TestClient owned = sut;
        (await sut.GetAsync()).StatusCode.ShouldBe(HttpStatusCode.OK);

        configuration[Key + "Enabled"] = "true";
        configuration.Reload();
        using (HttpResponseMessage faulted = await sut.GetAsync())
        {
            faulted.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        configuration[Key + "Enabled"] = "false";
        configuration.Reload();
        sut.Time.Advance(TimeSpan.FromMinutes(1)); // past the break the injected faults opened
        (await sut.GetAsync()).StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Reload_ChangesTheRate()
    {
        (TestClient sut, IConfigurationRoot configuration, _) = FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "FaultRate"] = "0.4" }, random: 0.5);
        using TestClient owned = sut;
        (await sut.GetAsync()).StatusCode.ShouldBe(HttpStatusCode.OK); // a draw of 0.5 is above 0.4

        configuration[Key + "FaultRate"] = "0.6";
        configuration.Reload();

        (await sut.GetAsync()).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Configured_Latency_HoldsTheAttemptThenSendsIt()
    {
        (TestClient sut, _, ListLogger logs) = FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "LatencyRate"] = "1", [Key + "Latency"] = "00:00:02" });
        using TestClient owned = sut;

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Single().At.ShouldBe(TimeSpan.FromSeconds(2));
        logs.Entries.Single(e => e.Id.Name == "LatencyInjected").Message.ShouldContain("2000 ms");
    }

    [Fact]
    public async Task Configured_LatencyBeyondTheAttemptTimeout_IsATimeout_RetriedAsOne()
    {
        (TestClient sut, _, ListLogger logs) = FromConfiguration(new()
        {
            [Key + "Enabled"] = "true",
            [Key + "LatencyRate"] = "1",
            [Key + "Latency"] = "00:00:05",
            ["ResilientHttp:Clients:test:AttemptTimeout"] = "00:00:01",
            ["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "2",
        });
        using TestClient owned = sut;

        TaskCanceledException timeout = await Catch.ExceptionAsync<TaskCanceledException>(() => sut.GetAsync());

        timeout.InnerException.ShouldBeOfType<TimeoutException>();
        sut.Sent.ShouldBeEmpty();
        logs.Entries.Count(e => e.Id.Name == "LatencyInjected").ShouldBe(2);
    }

    [Fact]
    public async Task Injected_IsCountedAsInjected_ByKind()
    {
        (TestClient sut, _, _) = FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "FaultRate"] = "1", ["ResilientHttp:Clients:test:Retry:MaxAttempts"] = "1" });
        using TestClient owned = sut;
        using var faults = new MetricCollector<long>(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, "resilienthttp.faults.injected");

        (await sut.GetAsync()).Dispose();

        CollectedMeasurement<long> fault = faults.GetMeasurementSnapshot().Single();
        fault.Tags["resilienthttp.fault"].ShouldBe("status");
        fault.Tags["http.response.status_code"].ShouldBe(503);
        fault.Tags["server.address"].ShouldBe("api.test");
    }

    [Fact]
    public void Start_RateOutOfRange_FailsNamingTheKey()
    {
        Microsoft.Extensions.Options.OptionsValidationException ex = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(
            () => FromConfiguration(new() { [Key + "Enabled"] = "true", [Key + "FaultRate"] = "1.5" }));

        ex.Failures.ShouldContain("ResilientHttp:Clients:test:FaultInjection:FaultRate must be between 0 and 1, was 1.5.");
    }
}
