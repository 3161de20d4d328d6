using System.Net;
using System.Net.Sockets;
using RichardSzalay.MockHttp;

namespace ResilientHttp.Tests.Retry;

/// <summary>R5: no duplicate charges. Unsafe methods are resent only when that is provably safe.</summary>
public sealed class IdempotencyTests
{
    private static HttpRequestMessage Post(string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/payments") { Content = new StringContent("{\"amount\":10}") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Send_IdempotentMethodFailing503_IsRetried(string method)
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/r")));

        sut.Sent.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("PURGE")]
    public async Task Send_UnsafeMethodWithoutKeyFailing503_IsSentOnce(string method)
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/r")));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_PostWithIdempotencyKey_IsRetriedWithTheSameKey()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post("order-42")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Select(s => s.Header("Idempotency-Key")).ShouldBe(["order-42", "order-42", "order-42"]);
    }

    [Fact]
    public async Task Send_PostWithKeyUnderNever_IsSentOnce()
    {
        using var sut = TestClient.Create(o => o.Retry.UnsafeMethods = UnsafeMethodRetry.Never).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post("k")));

        sut.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_PostUnderAlways_IsRetriedWithoutKey()
    {
        using var sut = TestClient.Create(o => o.Retry.UnsafeMethods = UnsafeMethodRetry.Always).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Send_PostWithCustomKeyHeader_IsRetried()
    {
        using var sut = TestClient.Create(o => o.Retry.IdempotencyKeyHeader = "X-Request-Id").RespondStatuses(503, 200);
        HttpRequestMessage request = Post();
        request.Headers.Add("X-Request-Id", "abc");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        sut.Sent.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Send_PostRefusedConnection_IsRetriedEvenUnderNever()
    {
        int calls = 0;
        using var sut = TestClient.Create(o => o.Retry.UnsafeMethods = UnsafeMethodRetry.Never);
        sut.Mock.When("*").Respond(_ => ++calls == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))
            : new HttpResponseMessage(HttpStatusCode.Created));

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post()));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        sut.Sent.Select(s => s.Body).ShouldBe(["{\"amount\":10}", "{\"amount\":10}"]);
    }

    [Fact]
    public async Task Send_PostFailedNameResolution_IsRetried()
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Mock.When("*").Respond(_ => ++calls == 1
            ? throw new HttpRequestException(HttpRequestError.NameResolutionError, "no such host", null)
            : new HttpResponseMessage(HttpStatusCode.Created));

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post()));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Send_PostConnectionResetAfterSending_IsNotRetried()
    {
        int calls = 0;
        using var sut = TestClient.Create();
        sut.Mock.When("*").Respond(_ => ++calls == 1
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset", new IOException("x", new SocketException((int)SocketError.ConnectionReset)))
            : new HttpResponseMessage(HttpStatusCode.Created));

        await Should.ThrowAsync<HttpRequestException>(() => sut.RunAsync(sut.Client.SendAsync(Post())));

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Send_PostTimedOut_IsNotRetried()
    {
        int calls = 0;
        using var sut = TestClient.Create(o => o.AttemptTimeout = TimeSpan.FromSeconds(1));
        sut.Handle(async (_, ct) =>
        {
            calls++;
            await Task.Delay(TimeSpan.FromHours(1), sut.Time, ct).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        await Should.ThrowAsync<TaskCanceledException>(() => sut.RunAsync(sut.Client.SendAsync(Post())));

        calls.ShouldBe(1);
    }

    [Fact]
    public async Task Send_AddIdempotencyKey_GivesAnUnsafeRequestOneKeyReusedByEveryAttempt()
    {
        using var sut = TestClient.Create(o => o.Retry.AddIdempotencyKey = true).RespondStatuses(503, 503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post()));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var keys = sut.Sent.Select(s => s.Header("Idempotency-Key")).ToList();
        keys.Count.ShouldBe(3);
        keys[0].ShouldNotBeNullOrWhiteSpace();
        keys.Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Send_AddIdempotencyKey_KeepsTheCallersOwnKey()
    {
        using var sut = TestClient.Create(o => o.Retry.AddIdempotencyKey = true).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Post("mine")));

        sut.Sent.Select(s => s.Header("Idempotency-Key")).ShouldBe(["mine", "mine"]);
    }

    [Fact]
    public async Task Send_AddIdempotencyKey_LeavesGetAlone()
    {
        using var sut = TestClient.Create(o => o.Retry.AddIdempotencyKey = true).RespondStatuses(200);

        using HttpResponseMessage response = await sut.GetAsync();

        sut.Sent[0].Header("Idempotency-Key").ShouldBeNull();
    }

    [Fact]
    public async Task Send_PostDeclaredIdempotentPerCall_IsRetried()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        HttpRequestMessage request = Post();
        request.Options.Set(ResilientHttpRequestOptions.Idempotent, true);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(request));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
    }
}
