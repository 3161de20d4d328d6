using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>R4 through the handler: the host's Retry-After replaces the backoff, within caps and deadlines.</summary>
public sealed class RetryAfterHandlerTests
{
    private static Func<HttpResponseMessage> WithRetryAfter(int status, string value, string? date = null) => () =>
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("Retry-After", value);
        if (date is not null)
        {
            response.Headers.TryAddWithoutValidation("Date", date);
        }

        return response;
    };

    private static HttpResponseMessage Ok() => new(HttpStatusCode.OK);

    [Theory]
    [InlineData(0.0, 3.0)]
    [InlineData(0.5, 3.75)]
    [InlineData(0.99, 4.485)]
    public async Task Send_429WithRetryAfter_WaitsAtLeastThatLongAndAtMostBoundedJitterMore(double draw, double expected)
    {
        using var sut = TestClient.Create(random: draw).Respond(WithRetryAfter(429, "3"), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        double waited = sut.Sent[1].At.TotalSeconds - sut.Sent[0].At.TotalSeconds;
        waited.ShouldBeGreaterThanOrEqualTo(3.0);
        waited.ShouldBe(expected, tolerance: 0.011);
    }

    [Fact]
    public async Task Send_RetryAfterLongerThanTheCap_ReturnsTheResponseAtOnce()
    {
        using var sut = TestClient.Create(o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(10)).Respond(WithRetryAfter(503, "11"), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(11));
        sut.Sent.Count.ShouldBe(1);
        sut.Time.GetUtcNow().ShouldBeLessThan(TestClient.Start.AddSeconds(1));
    }

    [Fact]
    public async Task Send_HugeRetryAfter_ReturnsTheResponseAtOnce()
    {
        using var sut = TestClient.Create().Respond(WithRetryAfter(503, "99999999999"), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_RetryAfterPastTheDeadline_ReturnsTheResponseAtOnce()
    {
        using var sut = TestClient.Create(o => o.TotalTimeout = TimeSpan.FromSeconds(20)).Respond(WithRetryAfter(503, "25"), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-3")]
    [InlineData("2.5")]
    [InlineData("Mon, 01 Jan 2001 00:00:00 GMT")]
    public async Task Send_MalformedOrPastRetryAfter_FallsBackToTheBackoffWithoutError(string value)
    {
        using var sut = TestClient.Create(random: 0.5).Respond(WithRetryAfter(503, value), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (sut.Sent[1].At - sut.Sent[0].At).TotalSeconds.ShouldBe(1.0, tolerance: 0.011);
    }

    [Fact]
    public async Task Send_RetryAfterDate_IsMeasuredAgainstTheResponseDate()
    {
        // The server's clock is a year behind ours; its Date and Retry-After agree on a 4 s wait.
        DateTimeOffset serverNow = TestClient.Start.AddYears(-1);
        using var sut = TestClient.Create(random: 0.0)
            .Respond(WithRetryAfter(503, serverNow.AddSeconds(4).ToString("r"), serverNow.ToString("r")), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (sut.Sent[1].At - sut.Sent[0].At).TotalSeconds.ShouldBe(4.0, tolerance: 0.011);
    }

    [Fact]
    public async Task Send_HonorRetryAfterOff_UsesTheBackoff()
    {
        using var sut = TestClient.Create(o => o.Retry.HonorRetryAfter = false, random: 0.5).Respond(WithRetryAfter(503, "20"), Ok);

        using HttpResponseMessage response = await sut.GetAsync();

        (sut.Sent[1].At - sut.Sent[0].At).TotalSeconds.ShouldBe(1.0, tolerance: 0.011);
    }
}
