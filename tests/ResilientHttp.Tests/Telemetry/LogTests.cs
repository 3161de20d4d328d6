using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ResilientHttp.Tests.Telemetry;

/// <summary>T1: one story per call: the exact events, their levels and their fields; no secret ever logged.</summary>
public sealed class LogTests
{
    private static (TestClient Sut, FakeLogCollector Logs) CreateSut(Action<ResilientHttpOptions>? configure = null)
    {
        TestClient sut = TestClient.Create(configure, services: s => s.AddFakeLogging().AddLogging(b => b.SetMinimumLevel(LogLevel.Debug)));
        return (sut, sut.Services.GetRequiredService<FakeLogCollector>());
    }

    private static IReadOnlyList<FakeLogRecord> Ours(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Category == "ResilientHttp").ToList();

    private static string? Field(FakeLogRecord record, string name) =>
        record.StructuredState!.FirstOrDefault(kv => kv.Key == name).Value;

    [Fact]
    public async Task Send_RecoveredCall_LogsItsRetryAndRecoveryAtInformationAndNoWarning()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut();
        using TestClient owned = sut;
        sut.RespondStatuses(503, 200);

        using (await sut.GetAsync())
        {
        }

        IReadOnlyList<FakeLogRecord> records = Ours(logs);
        records.Select(r => (r.Id.Id, r.Id.Name, r.Level)).ShouldBe([(1, "RetryScheduled", LogLevel.Information), (2, "CallRecovered", LogLevel.Information)]);
        FakeLogRecord retry = records[0];
        Field(retry, "ClientName").ShouldBe("test");
        Field(retry, "Method").ShouldBe("GET");
        Field(retry, "Authority").ShouldBe("http://api.test:80");
        Field(retry, "Path").ShouldBe("/resource");
        Field(retry, "Attempt").ShouldBe("1");
        Field(retry, "StatusCode").ShouldBe("503");
        Field(retry, "DelayMs").ShouldBe("1000");
        Field(retry, "DelaySource").ShouldBe("backoff");
    }

    [Fact]
    public async Task Send_ExhaustedCall_LogsEachRetryThenOneWarningWithTheReason()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut(o => o.CircuitBreaker.Enabled = false);
        using TestClient owned = sut;
        sut.RespondStatuses(503);

        using (await sut.GetAsync())
        {
        }

        IReadOnlyList<FakeLogRecord> records = Ours(logs);
        records.Count(r => r.Id.Name == "RetryScheduled" && r.Level == LogLevel.Information).ShouldBe(3);
        FakeLogRecord failed = records.Single(r => r.Level >= LogLevel.Warning);
        failed.Id.ShouldBe(new EventId(3, "CallFailed"));
        Field(failed, "Attempt").ShouldBe("4");
        Field(failed, "Reason").ShouldBe("AttemptsExhausted");
    }

    [Fact]
    public async Task Send_BudgetRefusal_IsAWarningNamingTheBudget()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut(o => (o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (1, false));
        using TestClient owned = sut;
        sut.RespondStatuses(503);

        // The bucket holds at least one call's retries (3): leave one token, so that the second retry is refused.
        sut.Host.Budget.TryWithdraw().ShouldBeTrue();
        sut.Host.Budget.TryWithdraw().ShouldBeTrue();

        using (await sut.GetAsync())
        {
        }

        FakeLogRecord failed = Ours(logs).Single(r => r.Level >= LogLevel.Warning);
        Field(failed, "Reason").ShouldBe("BudgetExhausted");
        Field(failed, "Attempt").ShouldBe("2");
    }

    [Fact]
    public async Task Send_CircuitLife_LogsOpeningRefusalProbeAndClosing()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 2));
        using TestClient owned = sut;
        sut.RespondStatuses(503, 503, 200);
        using (await sut.GetAsync())
        using (await sut.GetAsync())
        {
        }

        await Should.ThrowAsync<CircuitOpenException>(() => sut.GetAsync());
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        using (await sut.GetAsync())
        {
        }

        var events = Ours(logs).Where(r => r.Id.Name!.StartsWith("Circuit", StringComparison.Ordinal) || r.Id.Name == "CallRefused")
            .Select(r => (r.Id.Name, r.Level)).ToList();
        events.ShouldBe(
        [
            ("CircuitOpened", LogLevel.Warning),
            ("CallRefused", LogLevel.Warning),
            ("CircuitHalfOpened", LogLevel.Information),
            ("CircuitClosed", LogLevel.Information),
        ]);
    }

    [Fact]
    public async Task Send_CircuitOpenedAndReopened_LogTheBreakActuallyTakenGrowingAndSpread()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut(o =>
        {
            (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 1);
            (o.CircuitBreaker.BreakDuration, o.CircuitBreaker.MaxBreakDuration, o.CircuitBreaker.BreakJitterFactor) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), 0.2);
        });
        using TestClient owned = sut;
        sut.Random.Value = 0.0; // every break at the low end of its spread: 80% of its nominal length
        sut.RespondStatuses(503);
        using (await sut.GetAsync())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(8));
        using (await sut.GetAsync())
        {
        }

        FakeLogRecord opened = Ours(logs).Single(r => r.Id.Name == "CircuitOpened");
        FakeLogRecord reopened = Ours(logs).Single(r => r.Id.Name == "CircuitReopened");
        Field(opened, "BreakDurationMs").ShouldBe("8000");
        Field(reopened, "BreakDurationMs").ShouldBe("16000");
    }

    [Fact]
    public async Task Send_QueryStringAndSecretHeaders_NeverAppearInAnyLogLine()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (2, 1));
        using TestClient owned = sut;
        sut.RespondStatuses(503);
        var request = new HttpRequestMessage(HttpMethod.Get, "/users?api_key=SECRET-QUERY&token=SECRET-TOKEN");
        request.Headers.Authorization = new("Bearer", "SECRET-BEARER");
        request.Headers.Add("Cookie", "session=SECRET-COOKIE");

        using (HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        await Should.ThrowAsync<CircuitOpenException>(() => sut.RunAsync(sut.Client.GetAsync("/users?api_key=SECRET-AGAIN")));
        logs.GetSnapshot().ShouldContain(r => r.Id.Name == "CallRefused");

        IReadOnlyList<FakeLogRecord> all = logs.GetSnapshot();
        all.ShouldNotBeEmpty();
        foreach (FakeLogRecord record in all)
        {
            record.Message.ShouldNotContain("SECRET");
            (record.StructuredState ?? []).ShouldAllBe(kv => kv.Value == null || !kv.Value.Contains("SECRET"));
        }
    }

    [Fact]
    public async Task Send_NotRetriable4xx_LogsOnlyADebugLineSayingWhy()
    {
        (TestClient sut, FakeLogCollector logs) = CreateSut();
        using TestClient owned = sut;
        sut.RespondStatuses(404);

        using (HttpResponseMessage response = await sut.GetAsync())
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        FakeLogRecord record = Ours(logs).Single();
        record.Level.ShouldBe(LogLevel.Debug);
        record.Id.Name.ShouldBe("CallNotRetried");
        Field(record, "Reason").ShouldBe("NotRetriable");
    }
}
