using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>R1–R8 against a real Kestrel server on loopback, real sockets and a really refused port.</summary>
public sealed class RetryIntegrationTests
{
    private static HttpClient CreateClient(Uri baseAddress, Action<ResilientHttpOptions>? configure = null, Func<SocketsHttpHandler>? primary = null)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("it", c => c.BaseAddress = baseAddress)
            .ConfigurePrimaryHttpMessageHandler(primary ?? (() => new SocketsHttpHandler()))
            .AddResilientHandler(o =>
            {
                o.Retry.BaseDelay = TimeSpan.FromMilliseconds(20);
                o.Retry.JitterFactor = 0;
                configure?.Invoke(o);
            });
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("it");
    }

    /// <summary>A stream that can be read once, front to back, and has no length: like a pipe.</summary>
    private sealed class ReadOnceStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_BodySentThreeTimes_ArrivesIdenticalThreeTimes(bool readOnceStream)
    {
        var received = new ConcurrentQueue<string>();
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue(Convert.ToHexString(SHA256.HashData(body.ToArray())));
            context.Response.StatusCode = received.Count < 3 ? 503 : 200;
        });
        byte[] payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 20_000)));
        using HttpClient client = CreateClient(server.Address);
        HttpContent content = readOnceStream ? new StreamContent(new ReadOnceStream(payload)) : new ByteArrayContent(payload);

        using HttpResponseMessage response = await client.PutAsync("/doc", content);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        received.Count.ShouldBe(3);
        received.Distinct().ShouldBe([Convert.ToHexString(SHA256.HashData(payload))]);
    }

    [Fact]
    public async Task Post_RefusedConnection_IsRetriedAndReachesTheServerOnce()
    {
        int posts = 0;
        await using var server = await KestrelServer.StartAsync(context =>
        {
            Interlocked.Increment(ref posts);
            context.Response.StatusCode = 201;
            return Task.CompletedTask;
        });
        Uri refused = KestrelServer.RefusedAddress();
        int connects = 0;
        using HttpClient client = CreateClient(server.Address, primary: () => new SocketsHttpHandler
        {
            // The first connection goes to a port where nothing listens: refused, nothing sent.
            ConnectCallback = (context, ct) =>
            {
                int port = Interlocked.Increment(ref connects) == 1 ? refused.Port : server.Address.Port;
                return KestrelServer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            },
        });

        using HttpResponseMessage response = await client.PostAsync("/payments", new StringContent("{\"amount\":5}"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        connects.ShouldBe(2);
        posts.ShouldBe(1);
    }

    [Fact]
    public async Task Post_ToARefusedPort_IsTriedMaxAttemptsTimesThenThrowsTheRealError()
    {
        Uri refused = KestrelServer.RefusedAddress();
        int connects = 0;
        using HttpClient client = CreateClient(refused, o => o.CircuitBreaker.Enabled = false, () => new SocketsHttpHandler
        {
            ConnectCallback = (context, ct) =>
            {
                Interlocked.Increment(ref connects);
                return KestrelServer.ConnectAsync(context.DnsEndPoint, ct);
            },
        });

        HttpRequestException ex = await Should.ThrowAsync<HttpRequestException>(() => client.PostAsync("/payments", new StringContent("x")));

        connects.ShouldBe(4);
        ex.HttpRequestError.ShouldBe(HttpRequestError.ConnectionError);
    }

    [Fact]
    public async Task Get_SlowServer_TripsTheAttemptTimeoutAndTheRetrySucceeds()
    {
        int requests = 0;
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
            }

            await context.Response.WriteAsync("fast");
        });
        using HttpClient client = CreateClient(server.Address, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        string body = await client.GetStringAsync("/slow");

        body.ShouldBe("fast");
        requests.ShouldBe(2);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Get_TwentyCallsThroughOneConnection_EachSeeing503Then200_AllFinish()
    {
        var seen = new ConcurrentDictionary<string, int>();
        await using var server = await KestrelServer.StartAsync(async context =>
        {
            int hits = seen.AddOrUpdate(context.Request.Path, 1, (_, n) => n + 1);
            context.Response.StatusCode = hits == 1 ? 503 : 200;

            // A body the handler must release: a retried 503 left undisposed would hold the only connection.
            await context.Response.WriteAsync(new string('x', 64 * 1024));
        });
        // This test is about leaks: the breaker and the budget, which would rightly step in when twenty
        // calls fail at once, are off.
        using HttpClient client = CreateClient(
            server.Address,
            o => (o.CircuitBreaker.Enabled, o.Retry.Budget.Enabled) = (false, false),
            () => new SocketsHttpHandler { MaxConnectionsPerServer = 1 });

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync($"/item/{i}")))
            .WaitAsync(TimeSpan.FromSeconds(60));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        seen.Values.ShouldAllBe(n => n == 2);
        foreach (HttpResponseMessage r in responses)
        {
            (await r.Content.ReadAsStringAsync()).Length.ShouldBe(64 * 1024);
            r.Dispose();
        }
    }
}
