using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Retry;

/// <summary>Bad input gets a clear result: hostile headers never throw out of the handler.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Send_RequestWithoutAbsoluteUri_ThrowsAClearInvalidOperationException()
    {
        using var sut = TestClient.Create();
        var handler = sut.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(TestClient.Name);
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);

        InvalidOperationException ex = await Should.ThrowAsync<InvalidOperationException>(
            () => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri("/relative", UriKind.Relative)), default));

        ex.Message.ShouldContain("absolute request URI");
        sut.Sent.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Retry-After", "\u0001\u0002garbage")]
    [InlineData("Date", "not a date at all")]
    public async Task Send_MalformedHeaders_NeverThrowOutOfTheHandler(string header, string value)
    {
        using var sut = TestClient.Create().Respond(
            () =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
                response.Headers.TryAddWithoutValidation(header, value);
                return response;
            },
            () => new HttpResponseMessage(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();

        // The hostile header is ignored: the backoff (1 s) paces the retry, which succeeds.
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (sut.Sent[1].At - sut.Sent[0].At).TotalSeconds.ShouldBe(1.0, tolerance: 0.011);
    }

    [Fact]
    public async Task Send_HugeRetryAfterHeader_IsIgnoredWithoutError()
    {
        using var sut = TestClient.Create().Respond(
            () =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
                response.Headers.TryAddWithoutValidation("Retry-After", new string('9', 64 * 1024));
                return response;
            },
            () => new HttpResponseMessage(HttpStatusCode.OK));

        using HttpResponseMessage response = await sut.GetAsync();

        // 64 KB of digits is "much later than the cap": the response goes back at once.
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }
}
