using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>K4: one call can opt out of retries or declare itself idempotent.</summary>
public sealed class PerCallOptionsTests
{
    [Fact]
    public async Task Send_DisableRetriesForOneCall_SendsItOnce()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        var request = new HttpRequestMessage(HttpMethod.Get, "/r");
        request.Options.Set(ResilientHttpRequestOptions.DisableRetries, true);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_DisableRetriesSetToFalse_RetriesAsUsual()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        var request = new HttpRequestMessage(HttpMethod.Get, "/r");
        request.Options.Set(ResilientHttpRequestOptions.DisableRetries, false);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Send_RetriesDisabledForTheClient_SendsOnce()
    {
        using var sut = TestClient.Create(o => o.Retry.Enabled = false).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(1);
    }
}
