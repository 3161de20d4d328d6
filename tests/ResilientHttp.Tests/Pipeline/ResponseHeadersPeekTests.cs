using System.Net;

namespace ResilientHttp.Tests.Pipeline;

/// <summary>Looking for a response's headers without creating its header collection.</summary>
public sealed class ResponseHeadersPeekTests
{
    [Fact]
    public void MayHaveHeaders_AResponseBuiltWithoutHeaders_IsFalse_AndStaysWithoutACollection()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        ResponseHeadersPeek.MayHaveHeaders(response).ShouldBeFalse();
        ResponseHeadersPeek.MayHaveHeaders(response).ShouldBeFalse("the look created nothing");
    }

    [Fact]
    public void MayHaveHeaders_AResponseWithAHeader_IsTrue()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("RateLimit-Remaining", "0");

        ResponseHeadersPeek.MayHaveHeaders(response).ShouldBeTrue();
    }
}
