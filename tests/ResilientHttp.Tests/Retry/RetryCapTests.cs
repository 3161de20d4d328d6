using System.Net;
using RichardSzalay.MockHttp;

namespace ResilientHttp.Tests.Retry;

/// <summary>R1: at most MaxAttempts sends; the caller gets the last outcome as it came.</summary>
public sealed class RetryCapTests
{
    [Fact]
    public async Task Send_AlwaysFailing503_SendsMaxAttemptsTimesAndReturnsTheLastResponse()
    {
        int n = 0;
        using var sut = TestClient.Create(o => o.CircuitBreaker.Enabled = false);
        sut.Respond(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent($"attempt {++n}") });

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(4);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldBe("attempt 4");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public async Task Send_MaxAttemptsConfigured_NeverSendsMore(int maxAttempts)
    {
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.CircuitBreaker.Enabled, o.Retry.Budget.Enabled) = (maxAttempts, false, false)).RespondStatuses(503);

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(maxAttempts);
    }

    [Fact]
    public async Task Send_AlwaysThrowing_RethrowsTheLastExceptionUnwrapped()
    {
        var thrown = new List<HttpRequestException>();
        using var sut = TestClient.Create(o => o.CircuitBreaker.Enabled = false);
        sut.Mock.When("*").Respond(_ =>
        {
            var ex = new HttpRequestException(HttpRequestError.ResponseEnded, $"reset {thrown.Count + 1}");
            thrown.Add(ex);
            throw ex;
        });

        HttpRequestException caught = await Should.ThrowAsync<HttpRequestException>(() => sut.GetAsync());

        thrown.Count.ShouldBe(4);
        caught.ShouldBeSameAs(thrown[^1]);
    }

    [Fact]
    public async Task Send_503ThenSuccess_RetriesOnceAndReturnsSuccess()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }
}
