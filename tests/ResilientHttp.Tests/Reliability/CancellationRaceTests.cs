using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Reliability;

/// <summary>
/// The caller cancels at every point of a call's life: before the first send, during each send, during each
/// wait between sends, and during the probe of a half-open circuit. The call stops there, sends nothing more,
/// schedules nothing more, and leaves no state behind that holds up the next call.
/// </summary>
public sealed class CancellationRaceTests
{
    private const int MaxAttempts = 4;

    private static TestClient CreateSut(int failureThreshold = 3) => TestClient.Create(o =>
    {
        o.Retry.MaxAttempts = MaxAttempts;
        o.Retry.Budget.Enabled = false;
        o.AttemptTimeout = null;
        o.TotalTimeout = null;
        o.CircuitBreaker.FailureThreshold = failureThreshold;
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
    });

        /// <summary>0: before the first send; 2k − 1: during send k; 2k: during the wait after send k.</summary>
    public static TheoryData<int> EveryPoint() => [.. Enumerable.Range(0, 2 * MaxAttempts)];

    [Theory]
    [MemberData(nameof(EveryPoint))]
    public async Task Send_CancelledAtAnyPoint_StopsThereWithNoFurtherSendAndNothingScheduled(int point)
    {
        using var cts = new CancellationTokenSource();
        using var sut = CreateSut(failureThreshold: 10);
        int sends = 0;
        sut.Handle(async (_, ct) =>
        {
            int send = Interlocked.Increment(ref sends);
            if (point == (2 * send) - 1)
            {
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
            }

            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        });
        if (point == 0)
        {
            await cts.CancelAsync();
        }

        Task<HttpResponseMessage> call = sut.Client.GetAsync("/r", cts.Token);
        int sendsBeforeTheCancellation = point == 0 ? 0 : (point + 1) / 2;
        if (point > 0 && point % 2 == 0)
        {
            await WaitThroughBackoffsAsync(sut, () => Volatile.Read(ref sends), point / 2);
            await cts.CancelAsync();
        }

        OperationCanceledException ex = await Catch.ExceptionAsync<OperationCanceledException>(
            () => point % 2 == 1 ? sut.RunAsync(call) : call);

        ex.InnerException.ShouldNotBeOfType<TimeoutException>("the caller's cancellation is not a timeout");
        sends.ShouldBe(sendsBeforeTheCancellation);
        sut.Time.NextDue.ShouldBeNull("a cancelled call leaves no wait behind");
        sut.Time.Advance(TimeSpan.FromHours(1));
        await Task.Yield();
        sends.ShouldBe(sendsBeforeTheCancellation, "nothing is sent after the cancellation");
    }

    [Fact]
    public async Task Send_CancelledJustAsAWaitEnds_MakesNoFurtherAttempt()
    {
        // The handler draws once to decide after send 1, and once more as the wait ends, before send 2:
        // the second draw cancels, after the wait is over and before the next attempt is made.
        using var cts = new CancellationTokenSource();
        using var sut = TestClient.Create(
            o => (o.Retry.MaxAttempts, o.AttemptTimeout) = (MaxAttempts, null),
            services: s => s.AddSingleton<RandomSource>(new CancellingRandom(cts, cancelOnDraw: 2)));
        sut.RespondStatuses(503);

        await Should.ThrowAsync<OperationCanceledException>(() => sut.RunAsync(sut.Client.GetAsync("/r", cts.Token)));

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_ProbeCancelledByItsCaller_LeavesNoHalfOpenCircuitAndTheNextCallProbesAtOnce()
    {
        using var cts = new CancellationTokenSource();
        using var sut = CreateSut();
        int sends = 0;
        sut.Handle(async (_, ct) =>
        {
            switch (Interlocked.Increment(ref sends))
            {
                case <= 3:
                    return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
                case 4:
                    await cts.CancelAsync();
                    ct.ThrowIfCancellationRequested();
                    throw new InvalidOperationException("unreachable");
                default:
                    return new HttpResponseMessage(HttpStatusCode.OK);
            }
        });
        await OpenTheCircuitAsync(sut);
        sut.Time.Advance(TimeSpan.FromSeconds(30));

        await Should.ThrowAsync<OperationCanceledException>(() => sut.Client.GetAsync("/r", cts.Token));

        using HttpResponseMessage next = await sut.GetAsync();
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        sends.ShouldBe(5, "the next call is the new probe, at once, without another break");
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public async Task Send_AlreadyCancelledWhenTheBreakEnds_DoesNotTakeTheProbeFromTheNextCall()
    {
        using var sut = CreateSut().RespondStatuses(503, 503, 503, 200);
        await OpenTheCircuitAsync(sut);
        sut.Time.Advance(TimeSpan.FromSeconds(30));

        await Should.ThrowAsync<OperationCanceledException>(() => sut.Client.GetAsync("/r", new CancellationToken(canceled: true)));

        sut.Sent.Count.ShouldBe(3);
        using HttpResponseMessage next = await sut.GetAsync();
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(4);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
    }

    [Fact]
    public async Task Send_CancelledWhileAnotherCallProbes_IsRefusedAndTheProbeStillDecides()
    {
        using var cts = new CancellationTokenSource();
        var probeAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sut = CreateSut();
        int sends = 0;
        sut.Handle((_, _) => Interlocked.Increment(ref sends) <= 3
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))
            : probeAnswer.Task);
        await OpenTheCircuitAsync(sut);
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        Task<HttpResponseMessage> probe = sut.Client.GetAsync("/r");
        await FakeTimeExtensions.UntilAsync(() => Volatile.Read(ref sends) == 4);

        Task<HttpResponseMessage> other = sut.Client.GetAsync("/r", cts.Token);
        await cts.CancelAsync();
        Exception refused = await Catch.ExceptionAsync<Exception>(() => other);
        refused.ShouldBeAssignableTo<CircuitOpenException>("while the probe is out, everyone else is refused");
        probeAnswer.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage probed = await probe;

        probed.StatusCode.ShouldBe(HttpStatusCode.OK);
        sends.ShouldBe(4);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Closed);
    }

    private static async Task OpenTheCircuitAsync(TestClient sut)
    {
        // One call, three 503s: the third opens the circuit, and the fourth attempt is not made.
        using HttpResponseMessage response = await sut.GetAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Host.Circuit.State.ShouldBe(CircuitState.Open);
    }

    /// <summary>Lets the call make <paramref name="sends"/> sends and returns while it waits after the last of them.</summary>
    private static async Task WaitThroughBackoffsAsync(TestClient sut, Func<int> sent, int sends)
    {
        for (int send = 1; ; send++)
        {
            await FakeTimeExtensions.UntilAsync(() => sent() == send && sut.Time.NextDue is not null);
            if (send == sends)
            {
                return;
            }

            sut.Time.SetUtcNow(sut.Time.NextDue!.Value);
        }
    }
}
