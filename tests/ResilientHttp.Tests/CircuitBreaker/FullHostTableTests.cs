using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>
/// C6 through the handlers: while a client's host table is full, a host called once that answered well is not
/// tracked (it evicts nothing), and a newcomer is tracked from its first attempt that has something to keep, before
/// the breaker, the budget or the pause records it.
/// </summary>
public sealed class FullHostTableTests
{
    private static readonly Uri Other = new("http://other.test/r");

    private static TestClient CreateSut(Action<ResilientHttpOptions>? configure = null) => TestClient.Create(o =>
    {
        o.CircuitBreaker.MaxTrackedHosts = 1;
        o.CircuitBreaker.FailureThreshold = 3;
        configure?.Invoke(o);
    });

    private static IReadOnlyList<string> Tracked(TestClient sut) =>
        [.. sut.Services.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Select(c => c.Authority)];

    [Fact]
    public async Task Send_FullTableANewcomerAnsweringWell_IsNotTrackedAndEvictsNothing()
    {
        using var sut = CreateSut().RespondStatuses(200);
        using (await sut.GetAsync())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        using HttpResponseMessage response = await sut.RunAsync(sut.Client.GetAsync(Other));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Tracked(sut).ShouldBe(["http://api.test:80"]);
    }

    [Fact]
    public async Task Send_FullTableANewcomerCalledTwice_IsTracked()
    {
        using var sut = CreateSut().RespondStatuses(200);
        using (await sut.GetAsync())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await sut.RunAsync(sut.Client.GetAsync(Other));
        }

        Tracked(sut).ShouldBe(["http://other.test:80"]);
    }

    [Fact]
    public async Task Send_FullTableANewcomerFailing_CountsEveryAttemptInItsTrackedCircuit()
    {
        using var sut = CreateSut(o => (o.Retry.MaxAttempts, o.Retry.Budget.Enabled) = (3, false)).RespondStatuses(503);
        sut.Host.ShouldNotBeNull();
        sut.Time.Advance(TimeSpan.FromSeconds(10));

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.GetAsync(Other));

        // Three failed attempts of one call, the first made on the newcomer's own state: each counted in the circuit
        // the table keeps, which they opened.
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(3);
        CircuitInfo circuit = sut.Services.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single();
        circuit.Authority.ShouldBe("http://other.test:80");
        circuit.State.ShouldBe(CircuitState.Open);
        await Should.ThrowAsync<CircuitOpenException>(() => sut.RunAsync(sut.Client.GetAsync(Other)));
    }

    [Fact]
    public async Task Send_FullTableANewcomersFirstCallAnsweringAfterASecondCallTrackedIt_IsToldToTheTrackedCircuit()
    {
        using var sut = CreateSut(o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold) = (1, 5));
        var firstAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        sut.Handle((request, _) => request.RequestUri!.Host != "other.test"
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))
            : Interlocked.Increment(ref calls) == 1 ? firstAnswer.Task : Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
        using (await sut.GetAsync())
        {
        }

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        Task<HttpResponseMessage> first = sut.Client.GetAsync(Other);            // the newcomer's first call: its own state, in flight
        using (await sut.RunAsync(sut.Client.GetAsync(Other)))                  // its second: tracked, and fails
        {
        }

        CircuitInfo afterFailure = sut.Services.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single();
        afterFailure.ConsecutiveFailures.ShouldBe(1);
        firstAnswer.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using (await first)
        {
        }

        // The host answered: its tracked circuit heard it, as it would have from a tracked call.
        CircuitInfo circuit = sut.Services.GetRequiredService<ResilientHttpCircuits>().GetCircuits().Single();
        circuit.Authority.ShouldBe("http://other.test:80");
        circuit.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public async Task Send_FullTableANewcomerThatSpentItsQuota_KeepsItsPauseForTheNextCall()
    {
        using var sut = CreateSut().Respond(() =>
        {
            var answer = new HttpResponseMessage(HttpStatusCode.OK);
            answer.Headers.TryAddWithoutValidation("RateLimit-Remaining", "0");
            answer.Headers.TryAddWithoutValidation("RateLimit-Reset", "5");
            return answer;
        });
        sut.Host.ShouldNotBeNull();
        sut.Time.Advance(TimeSpan.FromSeconds(10));

        using (await sut.RunAsync(sut.Client.GetAsync(Other)))
        {
        }

        TimeSpan firstEnded = sut.Time.GetUtcNow() - TestClient.Start;
        using (await sut.RunAsync(sut.Client.GetAsync(Other)))
        {
        }

        Tracked(sut).ShouldBe(["http://other.test:80"]);
        (sut.Sent[^1].At - firstEnded).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5), "the second call waited out the pause the first was told");
    }
}
