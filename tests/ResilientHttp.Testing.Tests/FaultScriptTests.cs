using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ResilientHttp.Testing.Tests;

public sealed class FaultScriptTests
{
    private static Task<HttpResponseMessage> Send(FaultScript script, HttpMethod method, string uri, HttpContent? content = null) =>
        new HttpMessageInvoker(script).SendAsync(new HttpRequestMessage(method, uri) { Content = content }, CancellationToken.None);

    [Fact]
    public async Task OnPath_AnswersInOrder_AndTheLastAnswerRepeats()
    {
        var script = new FaultScript().OnPath("/items/42", Fault.Status(503), Fault.Status(502), Fault.Ok("{\"id\":42}"));

        int[] statuses = new int[5];
        for (int i = 0; i < statuses.Length; i++)
        {
            statuses[i] = (int)(await Send(script, HttpMethod.Get, "https://api.test/items/42")).StatusCode;
        }

        statuses.ShouldBe([503, 502, 200, 200, 200]);
    }

    [Fact]
    public async Task Rules_APathWinsOverAHost_WhichWinsOverAnyRequest()
    {
        var script = new FaultScript()
            .OnAnyRequest(Fault.Status(404))
            .OnHost("auth.test", Fault.Status(401))
            .OnPath("/items/*", Fault.Status(503));

        (await Send(script, HttpMethod.Get, "https://auth.test/items/1")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await Send(script, HttpMethod.Get, "https://AUTH.test/token")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(script, HttpMethod.Get, "https://api.test/other")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rules_EachPathKeepsItsOwnSequence()
    {
        var script = new FaultScript().OnPath("/a", Fault.Status(503), Fault.Ok()).OnPath("/b", Fault.Status(429), Fault.Ok());

        (await Send(script, HttpMethod.Get, "https://api.test/a")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await Send(script, HttpMethod.Get, "https://api.test/b")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await Send(script, HttpMethod.Get, "https://api.test/a")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unscripted_Fails_NamingTheRequestAndHowToScriptIt()
    {
        var script = new FaultScript().OnPath("/a", Fault.Ok());

        InvalidOperationException ex = await Should.ThrowAsync<InvalidOperationException>(() => Send(script, HttpMethod.Post, "https://api.test/b?x=1"));

        ex.Message.ShouldContain("POST https://api.test/b?x=1");
        ex.Message.ShouldContain("OnPath(\"/b\"");
    }

    [Fact]
    public async Task Requests_RecordMethodHeadersBodyHashAndTheAnswer()
    {
        var script = new FaultScript().OnAnyRequest(Fault.TooManyRequests(TimeSpan.FromSeconds(5)));
        using var content = new StringContent("{\"amount\":10}", Encoding.UTF8, "application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.test/payments") { Content = content };
        request.Headers.Add("Idempotency-Key", "k-1");

        using HttpResponseMessage response = await new HttpMessageInvoker(script).SendAsync(request, CancellationToken.None);

        RecordedRequest sent = script.Requests.Single();
        sent.Method.ShouldBe(HttpMethod.Post);
        sent.Uri.ShouldBe(new Uri("https://api.test/payments"));
        sent.Header("idempotency-key").ShouldBe("k-1");
        sent.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
        sent.BodyLength.ShouldBe(13);
        sent.BodySha256.ShouldBe(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("{\"amount\":10}"))));
        sent.Answer.ShouldBe("429 Retry-After: 5");
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(5));
        script.RequestsTo("/payments").Count.ShouldBe(1);
    }

    [Fact]
    public async Task ConnectionRefused_IsAConnectFailure_RetriedEvenForAPost()
    {
        using var harness = new Harness(s => s.OnPath("/orders", Fault.ConnectionRefused(), Fault.Status(201)));

        using HttpResponseMessage response = await harness.Time.RunAsync(harness.Client.PostAsync("/orders", new StringContent("{}")));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        harness.Script.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ConnectionReset_IsRetriedForAGet_ButNeverForAPost()
    {
        using var harness = new Harness(
            s => s.OnPath("/items", Fault.ConnectionReset(), Fault.Ok()).OnPath("/orders", Fault.ConnectionReset(), Fault.Ok()),
            o => o.Retry.UnsafeMethods = UnsafeMethodRetry.Never);

        (await harness.GetAsync("/items")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Should.ThrowAsync<HttpRequestException>(() => harness.Time.RunAsync(harness.Client.PostAsync("/orders", new StringContent("{}"))));

        harness.Script.Requests.Select(r => $"{r.Method} {r.Uri.AbsolutePath}: {r.Answer}").ShouldBe(["GET /items: connection reset", "GET /items: 200", "POST /orders: connection reset"]);
    }

    [Fact]
    public async Task Stall_IsCutByTheAttemptTimeout_OnVirtualTime()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Stall(), Fault.Ok()), o => o.AttemptTimeout = TimeSpan.FromSeconds(2));

        using HttpResponseMessage response = await harness.GetAsync("/slow");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        harness.Script.Requests.Select(r => r.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(3)]); // 2 s timeout, then 1 s backoff
    }

    [Fact]
    public async Task Slow_AnswersAfterItsDelay_OnTheScriptsClock()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Slow(TimeSpan.FromSeconds(4))));
        DateTimeOffset start = harness.Time.GetUtcNow();

        using HttpResponseMessage response = await harness.GetAsync("/slow");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (harness.Time.GetUtcNow() - start).ShouldBe(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task TruncatedBody_FailsWhenTheBodyIsRead()
    {
        var script = new FaultScript().OnAnyRequest(Fault.TruncatedBody(bytesBeforeCut: 8));
        using HttpResponseMessage response = await Send(script, HttpMethod.Get, "https://api.test/file");

        HttpRequestException cut = await Should.ThrowAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync());

        cut.InnerException.ShouldBeOfType<IOException>().Message.ShouldContain("cut the body");
    }

    [Fact]
    public async Task WithHeader_AddsAResponseHeader_SuchAsARateLimit()
    {
        using var harness = new Harness(s => s.OnAnyRequest(Fault.Ok().WithHeader("RateLimit", "\"default\";r=0;t=3").WithHeader("RateLimit-Policy", "\"default\";q=5;w=3")));

        (await harness.GetAsync("/a")).Dispose();
        (await harness.GetAsync("/b")).Dispose();

        // The first answer said the quota is spent for 3 s: the second call waited for the reset.
        harness.Script.Requests.Select(r => r.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(3)]);
        harness.Decisions.Decisions.ShouldContain(d => d.Kind == ResilienceDecisionKind.Paced && d.WaitSource == "rate limit");
    }

    [Fact]
    public void Dispose_ByTheFactorysHandlerRotation_LeavesTheScriptWorking()
    {
        var script = new FaultScript().OnAnyRequest(Fault.Ok());
        script.Dispose();

        Should.NotThrow(() => Send(script, HttpMethod.Get, "https://api.test/").GetAwaiter().GetResult().Dispose());
    }

    [Fact]
    public void Rule_WithoutAnswers_IsRefused()
    {
        Should.Throw<ArgumentException>(() => new FaultScript().OnPath("/a"));
    }
}
