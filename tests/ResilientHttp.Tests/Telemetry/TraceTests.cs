using System.Diagnostics;

namespace ResilientHttp.Tests.Telemetry;

/// <summary>T3: retries show in traces, with OpenTelemetry's http.request.resend_count.</summary>
public sealed class TraceTests : IDisposable
{
    private const string SourceName = "ResilientHttp.Tests.Traces";
    private static readonly ActivitySource Source = new(SourceName);
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = s => s.Name == SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public TraceTests() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Send_TwoRetries_AddAnEventPerRetryWithTheResendCount()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 502, 200);
        using Activity activity = Source.StartActivity("call")!;

        using (await sut.GetAsync())
        {
        }

        var retries = activity.Events.Where(e => e.Name == "resilienthttp.retry").ToList();
        retries.Select(e => e.Tags.Single(t => t.Key == "http.request.resend_count").Value).ShouldBe([1, 2]);
        retries.Select(e => e.Tags.Single(t => t.Key == "resilienthttp.outcome").Value).ShouldBe(["503", "502"]);
        activity.GetTagItem("http.request.resend_count").ShouldBe(2);
    }

    [Fact]
    public async Task Send_GivenUp_AddsAnEventWithTheReason()
    {
        using var sut = TestClient.Create(o => o.Retry.MaxAttempts = 1).RespondStatuses(503);
        using Activity activity = Source.StartActivity("call")!;

        using (await sut.GetAsync())
        {
        }

        ActivityEvent giveUp = activity.Events.Single(e => e.Name == "resilienthttp.give_up");
        giveUp.Tags.Single(t => t.Key == "resilienthttp.reason").Value.ShouldBe("AttemptsExhausted");
    }
}
