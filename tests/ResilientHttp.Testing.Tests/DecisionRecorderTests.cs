using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Testing.Tests;

public sealed class DecisionRecorderTests
{
    [Fact]
    public async Task Retries_AreRecordedWithTheirOutcomeWaitAndSource()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(503), Fault.TooManyRequests(TimeSpan.FromSeconds(5)), Fault.Ok()));

        (await harness.GetAsync("/items/7")).Dispose();

        ResilienceDecision[] decisions = [.. harness.Decisions.For("api")];
        decisions.Select(d => (d.Kind, d.Attempt, d.StatusCode, d.Wait, d.WaitSource)).ShouldBe(
        [
            (ResilienceDecisionKind.Retry, 1, 503, TimeSpan.FromSeconds(1), "backoff"),
            (ResilienceDecisionKind.Retry, 2, 429, TimeSpan.FromSeconds(5), "Retry-After"),
            (ResilienceDecisionKind.Recovered, 3, null, null, null),
        ]);
        decisions[0].Method.ShouldBe("GET");
        decisions[0].Authority.ShouldBe("https://api.test:443");
        decisions[0].Path.ShouldBe("/items/7");
    }

    [Fact]
    public async Task GivingUp_IsRecordedWithTheReason()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(503)), o => (o.Retry.MaxAttempts, o.CircuitBreaker.Enabled) = (2, false));

        (await harness.GetAsync("/items")).Dispose();

        ResilienceDecision last = harness.Decisions.Decisions[^1];
        last.Kind.ShouldBe(ResilienceDecisionKind.GaveUp);
        last.Reason.ShouldBe("AttemptsExhausted");
        last.StatusCode.ShouldBe(503);
    }

    [Fact]
    public async Task DebugLevelDecisions_AreRecorded_WhateverTheAppsLogFilters()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(404)), services: s => s.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)));

        (await harness.GetAsync("/missing")).Dispose();

        ResilienceDecision notRetried = harness.Decisions.Decisions.Single();
        notRetried.Kind.ShouldBe(ResilienceDecisionKind.NotRetried);
        notRetried.StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task CircuitChanges_AndRefusals_AreRecorded()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(503)), o => (o.Retry.Enabled, o.CircuitBreaker.FailureThreshold) = (false, 2));

        for (int i = 0; i < 2; i++)
        {
            (await harness.GetAsync("/items")).Dispose();
        }

        await Should.ThrowAsync<CircuitOpenException>(() => harness.GetAsync("/items"));

        harness.Decisions.Decisions.ShouldContain(d => d.Kind == ResilienceDecisionKind.CircuitChanged && d.Event == "CircuitOpened");
        ResilienceDecision refused = harness.Decisions.Decisions.Single(d => d.Kind == ResilienceDecisionKind.Refused);
        refused.Wait.ShouldNotBeNull();
        harness.Script.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Clear_ForgetsTheDecisionsSoFar()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(503), Fault.Ok()));
        (await harness.GetAsync("/items")).Dispose();

        harness.Decisions.Clear();

        harness.Decisions.Decisions.ShouldBeEmpty();
    }
}
