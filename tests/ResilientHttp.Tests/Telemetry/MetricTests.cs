using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ResilientHttp.Tests.Telemetry;

/// <summary>T2: attempts, retries by reason, budget refusals, circuit transitions and rejections, waits in seconds; bounded tags.</summary>
public sealed class MetricTests
{
    private static MetricCollector<T> Collect<T>(TestClient sut, string name)
        where T : struct =>
        new(sut.Services.GetRequiredService<IMeterFactory>(), ResilienceMetrics.MeterName, name);

    [Fact]
    public async Task Send_RecoveredCall_CountsTwoAttemptsOneRetryAndItsWait()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        using MetricCollector<long> attempts = Collect<long>(sut, "resilienthttp.attempts");
        using MetricCollector<long> retries = Collect<long>(sut, "resilienthttp.retries");
        using MetricCollector<double> waits = Collect<double>(sut, "resilienthttp.retry.wait.duration");

        using (await sut.GetAsync())
        {
        }

        attempts.GetMeasurementSnapshot().Select(m => m.Tags["http.response.status_code"]).ShouldBe([503, 200]);
        CollectedMeasurement<long> retry = retries.GetMeasurementSnapshot().Single();
        retry.Tags["http.response.status_code"].ShouldBe(503);
        retry.Tags["server.address"].ShouldBe("api.test");
        retry.Tags["server.port"].ShouldBe(80);
        retry.Tags["http.request.method"].ShouldBe("GET");
        retry.Tags["resilienthttp.client.name"].ShouldBe("test");
        CollectedMeasurement<double> wait = waits.GetMeasurementSnapshot().Single();
        wait.Value.ShouldBe(1.0);
        wait.Tags["resilienthttp.wait.source"].ShouldBe("backoff");
        waits.Instrument!.Unit.ShouldBe("s");
    }

    [Fact]
    public async Task Send_NetworkErrorRetried_IsCountedByErrorType()
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Handle((_, _) => ++calls == 1 ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused") : Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)));
        using MetricCollector<long> retries = Collect<long>(sut, "resilienthttp.retries");

        using (await sut.GetAsync())
        {
        }

        retries.GetMeasurementSnapshot().Single().Tags["error.type"].ShouldBe("network_error");
    }

    [Fact]
    public async Task Send_BudgetRefusal_IsCounted()
    {
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (2, 1, false)).RespondStatuses(503);
        using MetricCollector<long> refusals = Collect<long>(sut, "resilienthttp.retry.budget_refusals");

        using (await sut.GetAsync())
        using (await sut.GetAsync())
        using (await sut.GetAsync())
        {
        }

        // The first call's one retry empties the bucket; the next two calls are refused theirs.
        refusals.GetMeasurementSnapshot().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Send_CircuitLife_CountsTransitionsAndRejections()
    {
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 1)).RespondStatuses(503, 200);
        using MetricCollector<long> transitions = Collect<long>(sut, "resilienthttp.circuit.transitions");
        using MetricCollector<long> rejections = Collect<long>(sut, "resilienthttp.circuit.rejections");
        using (await sut.GetAsync())
        {
        }

        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        using (await sut.GetAsync())
        {
        }

        transitions.GetMeasurementSnapshot().Select(m => m.Tags["resilienthttp.circuit.state"]).ShouldBe(["open", "half_open", "closed"]);
        rejections.GetMeasurementSnapshot().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_TenThousandHosts_KeepServerAddressValuesBounded()
    {
        using var sut = TestClient.Create(o => (o.Retry.Enabled, o.CircuitBreaker.MaxTrackedHosts) = (false, 100)).RespondStatuses(200);
        using MetricCollector<long> attempts = Collect<long>(sut, "resilienthttp.attempts");

        for (int i = 0; i < 10_000; i++)
        {
            using HttpResponseMessage response = await sut.Client.GetAsync($"http://host{i}.test/?q={i}");
        }

        var addresses = attempts.GetMeasurementSnapshot().Select(m => (string)m.Tags["server.address"]!).Distinct().ToList();
        attempts.GetMeasurementSnapshot().Count.ShouldBe(10_000);
        addresses.Count.ShouldBeLessThanOrEqualTo(101);
        addresses.ShouldContain("_OTHER");
        attempts.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values).OfType<string>().ShouldAllBe(v => !v.Contains('?'));
    }

    [Fact]
    public async Task Send_UnknownMethod_IsReportedAsOther()
    {
        using var sut = TestClient.Create().RespondStatuses(200);
        using MetricCollector<long> attempts = Collect<long>(sut, "resilienthttp.attempts");

        using (await sut.RunAsync(sut.Client.SendAsync(new HttpRequestMessage(new HttpMethod("PURGE"), "/x"))))
        {
        }

        attempts.GetMeasurementSnapshot().Single().Tags["http.request.method"].ShouldBe("_OTHER");
    }
}
