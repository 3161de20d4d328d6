using System.Net;

namespace ResilientHttp.Testing.Tests;

public sealed class VirtualTimeTests
{
    [Fact]
    public async Task RunAsync_ARetryingCall_RunsToItsEnd_MovingTheClockByExactlyItsWaits()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Status(503), Fault.Status(503), Fault.Status(503), Fault.Ok()));
        DateTimeOffset start = harness.Time.GetUtcNow();

        using HttpResponseMessage response = await harness.GetAsync("/items");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Script.Requests.Select(r => r.At.TotalSeconds).ShouldBe([0, 1, 3, 7]); // backoffs of 1, 2 and 4 s
        (harness.Time.GetUtcNow() - start).ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task RunAsync_RetryAfter_IsWaitedOnVirtualTime()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.TooManyRequests(TimeSpan.FromSeconds(20)), Fault.Ok()));

        using HttpResponseMessage response = await harness.GetAsync("/items");

        harness.Script.Requests.Select(r => r.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(20)]);
    }

    [Fact]
    public async Task RunAsync_ACallWaitingOnNothingTheClockReleases_FailsInsteadOfHanging()
    {
        var time = new VirtualTime();
        var never = new TaskCompletionSource<int>();

        TimeoutException ex = await Should.ThrowAsync<TimeoutException>(() => time.RunAsync(never.Task));

        ex.Message.ShouldContain("no timer is pending");
    }

    [Fact]
    public async Task RunAsync_ACallLongerThanTheLimit_FailsNamingTheLimit()
    {
        var time = new VirtualTime();

        TimeoutException ex = await Should.ThrowAsync<TimeoutException>(() => time.RunAsync(Task.Delay(TimeSpan.FromHours(1), time), TimeSpan.FromSeconds(5)));

        ex.Message.ShouldContain("00:00:05");
    }

    [Fact]
    public async Task RunAsync_AFailingCall_ThrowsItsOwnException()
    {
        var time = new VirtualTime();

        await Should.ThrowAsync<InvalidOperationException>(() => time.RunAsync(Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), time);
            throw new InvalidOperationException("boom");
        })));

        time.GetUtcNow().ShouldBe(new DateTimeOffset(2000, 1, 1, 0, 0, 30, TimeSpan.Zero));
    }

    [Fact]
    public void NextDue_IsTheEarliestPendingTimer()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using ITimer later = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(9), Timeout.InfiniteTimeSpan);
        using ITimer sooner = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        time.NextDue.ShouldBe(new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero));
        time.TimersCreated.ShouldBe(2);
    }
}
