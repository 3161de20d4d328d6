using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ResilientHttp.Tests.Telemetry;

/// <summary>Health: Degraded while a circuit is open, listing it; the circuits can be enumerated in code.</summary>
public sealed class HealthCheckTests
{
    private static TestClient CreateSut() => TestClient.Create(
        o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold, o.CircuitBreaker.BreakDuration) = (1, 1, TimeSpan.FromSeconds(30)),
        services: s => s.AddHealthChecks().AddResilientHttpHealthCheck());

    [Fact]
    public async Task Check_EveryCircuitClosed_IsHealthy()
    {
        using TestClient sut = CreateSut().RespondStatuses(200);
        using (await sut.GetAsync())
        {
        }

        HealthReport report = await sut.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Status.ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public async Task Check_ACircuitOpen_IsDegradedAndListsIt()
    {
        using TestClient sut = CreateSut().RespondStatuses(503);
        using (await sut.GetAsync())
        {
        }

        HealthReport report = await sut.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Status.ShouldBe(HealthStatus.Degraded);
        HealthReportEntry entry = report.Entries["resilienthttp"];
        entry.Data.Keys.ShouldBe(["test http://api.test:80"]);
        entry.Data["test http://api.test:80"].ShouldBe("open, next probe in 30 s");
    }

    [Fact]
    public async Task GetCircuits_ListsEveryTrackedCircuitWithItsState()
    {
        using TestClient sut = CreateSut();
        sut.Handle((request, _) => Task.FromResult(new HttpResponseMessage(request.RequestUri!.Host == "down.test" ? System.Net.HttpStatusCode.ServiceUnavailable : System.Net.HttpStatusCode.OK)));
        using (await sut.RunAsync(sut.Client.GetAsync("http://up.test/")))
        using (await sut.RunAsync(sut.Client.GetAsync("http://down.test/")))
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        IReadOnlyList<CircuitInfo> circuits = sut.Services.GetRequiredService<ResilientHttpCircuits>().GetCircuits();

        circuits.ShouldBe(
        [
            new CircuitInfo("test", "http://down.test:80", CircuitState.Open, 0, TimeSpan.FromSeconds(20)),
            new CircuitInfo("test", "http://up.test:80", CircuitState.Closed, 0, TimeSpan.Zero),
        ]);
    }
}
