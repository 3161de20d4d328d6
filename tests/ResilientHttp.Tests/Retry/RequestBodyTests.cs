using System.Net;
using System.Text;

namespace ResilientHttp.Tests.Retry;

/// <summary>R6: every attempt sends the same complete body; a body too large to buffer goes once, whole.</summary>
public sealed class RequestBodyTests
{
    /// <summary>A stream that can be read once, front to back, like a network or pipe stream.</summary>
    private sealed class ReadOnceStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Length => throw new NotSupportedException();
    }

    private static HttpRequestMessage Put(HttpContent content) => new(HttpMethod.Put, "/documents/1") { Content = content };

    [Fact]
    public async Task Send_StringBody_ArrivesWholeOnEveryAttempt()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(new StringContent("hello world"))));

        sut.Sent.Select(s => s.Body).ShouldBe(["hello world", "hello world", "hello world"]);
    }

    [Fact]
    public async Task Send_ReadOnceStreamBody_IsBufferedAndArrivesWholeOnEveryAttempt()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 503, 200);
        var content = new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes("streamed body")));
        content.Headers.ContentType = new("application/octet-stream");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(content)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Select(s => s.Body).ShouldBe(["streamed body", "streamed body", "streamed body"]);
        sut.Sent.ShouldAllBe(s => s.Header("Content-Type") == "application/octet-stream");
    }

    [Fact]
    public async Task Send_StreamBodyLargerThanTheLimit_IsSentOnceWholeAndNotRetried()
    {
        string body = new('x', 5000);
        using var sut = TestClient.Create(o => o.Retry.MaxBufferedBodyBytes = 1000).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes(body))))));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(1);
        sut.Sent[0].Body.ShouldBe(body);
    }

    [Fact]
    public async Task Send_StreamBodyWithKnownLengthOverTheLimit_IsSentOnceWhole()
    {
        string body = string.Concat(Enumerable.Range(0, 500).Select(i => $"{i:D4},"));
        using var sut = TestClient.Create(o => o.Retry.MaxBufferedBodyBytes = 100).RespondStatuses(503, 200);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(content)));

        sut.Sent.Count.ShouldBe(1);
        sut.Sent[0].Body.ShouldBe(body);
    }

    [Fact]
    public async Task Send_StreamBodyExactlyAtTheLimit_IsBufferedAndRetried()
    {
        string body = new('y', 1000);
        using var sut = TestClient.Create(o => o.Retry.MaxBufferedBodyBytes = 1000).RespondStatuses(503, 200);

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes(body))))));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Select(s => s.Body).ShouldBe([body, body]);
    }

    [Fact]
    public async Task Send_MultipartWithStreamPart_ArrivesWholeOnEveryAttempt()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        var content = new MultipartFormDataContent("boundary")
        {
            { new StringContent("a"), "field" },
            { new StreamContent(new ReadOnceStream(Encoding.UTF8.GetBytes("file-bytes"))), "file", "f.bin" },
        };

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(content)));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sut.Sent.Count.ShouldBe(2);
        sut.Sent[1].Body.ShouldBe(sut.Sent[0].Body);
        sut.Sent[1].Body!.ShouldContain("file-bytes");
    }

    /// <summary>A push-style content that writes its body on demand and does not know its length.</summary>
    private sealed class PushContent(string body) : HttpContent
    {
        public int Serializations { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            Serializations++;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(body));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task Send_CustomContentOfUnknownLength_IsSentOnceUntouchedAndNotBufferedWhole()
    {
        using var sut = TestClient.Create().RespondStatuses(503, 200);
        var content = new PushContent("pushed");

        using HttpResponseMessage response = await sut.RunAsync(sut.Client.SendAsync(Put(content)));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Select(s => s.Body).ShouldBe(["pushed"]);
        content.Serializations.ShouldBe(1);
    }

    [Fact]
    public void CanReplay_KnownReplayableContents_AreLeftAsTheyAre()
    {
        RequestBody.CanReplay(new StringContent("x")).ShouldBeTrue();
        RequestBody.CanReplay(new ByteArrayContent([1])).ShouldBeTrue();
        RequestBody.CanReplay(new FormUrlEncodedContent([])).ShouldBeTrue();
        RequestBody.CanReplay(new ReadOnlyMemoryContent(new byte[1])).ShouldBeTrue();
        RequestBody.CanReplay(System.Net.Http.Json.JsonContent.Create(new { a = 1 })).ShouldBeTrue();
        RequestBody.CanReplay(new StreamContent(Stream.Null)).ShouldBeFalse();
    }
}
