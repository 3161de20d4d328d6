using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>R8: attempt timeouts count as transient failures; the deadline bounds retries.</summary>
public sealed class TimeoutTests
{
    private static void Hang(TestClient sut, Func<int, bool>? hangs = null)
    {
        int calls = 0;
        sut.Handle(async (_, ct) =>
        {
            if (hangs?.Invoke(++calls) ?? true)
            {
                await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
    }

    [Fact]
    public async Task Send_AttemptTimesOut_IsRetriedAndSucceeds()
    {
        using var sut = TestClient.Create(o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        Hang(sut, call => call == 1);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
        (sut.Sent[1].At - sut.Sent[0].At).TotalSeconds.ShouldBe(3.0, tolerance: 0.011); // 2 s timeout + 1 s backoff
    }

    [Fact]
    public async Task Send_EveryAttemptTimesOut_ThrowsTaskCanceledWithTimeoutInner()
    {
        using var sut = TestClient.Create(o => (o.AttemptTimeout, o.CircuitBreaker.Enabled) = (TimeSpan.FromSeconds(1), false));
        Hang(sut);

        TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => sut.GetAsync());

        ex.InnerException.ShouldBeOfType<TimeoutException>();
        ex.Message.ShouldContain("AttemptTimeout");
        sut.Sent.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Send_WithTotalTimeout_StartsNoRetryWhoseWaitEndsPastTheDeadline()
    {
        // Attempts at 0 s and 1 s; the next wait (2 s) would end at 3 s, past the 2.5 s deadline.
        using var sut = TestClient.Create(o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5)), random: 0.5).RespondStatuses(503);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(2);
        sut.Time.GetUtcNow().ShouldBeLessThan(TestClient.Start.AddSeconds(2.5));
    }

    [Fact]
    public async Task Send_DeadlineCutsAHangingAttempt_ThrowsTaskCanceledWithTimeoutInner()
    {
        using var sut = TestClient.Create(o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)));
        Hang(sut);

        TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => sut.GetAsync());

        ex.InnerException.ShouldBeOfType<TimeoutException>();
        ex.Message.ShouldContain("TotalTimeout");
        sut.Time.GetUtcNow().ShouldBeLessThanOrEqualTo(TestClient.Start.AddSeconds(15.02));
    }

    [Fact]
    public async Task Send_NoAttemptTimeout_LetsASlowAttemptFinish()
    {
        using var sut = TestClient.Create(o => o.AttemptTimeout = null);
        sut.Handle(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(40), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.GetAsync("/slow"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(1);
    }
}
