using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>
/// Servers that answer badly, on real sockets: hostile <c>Retry-After</c> and <c>Date</c> values, oversized
/// headers, no answer at all, garbage instead of HTTP, names that do not resolve. Each call ends with the
/// server's last answer or a clear exception, never hangs, and never sends an unsafe request twice.
/// </summary>
public sealed class HostileServerTests
{
    private static HttpClient CreateClient(Uri baseAddress, Action<ResilientHttpOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("hostile", c => c.BaseAddress = baseAddress)
            .AddResilientHandler(o =>
            {
                o.Retry.MaxAttempts = 3;
                o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
                o.Retry.JitterFactor = 0;
                o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(5);
                o.AttemptTimeout = TimeSpan.FromSeconds(10);
                o.TotalTimeout = TimeSpan.FromSeconds(30);
                configure?.Invoke(o);
            });
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("hostile");
    }

    private static Task<KestrelServer> ServeAsync(Action<HttpResponse> answer, SendCounter requests) =>
        KestrelServer.StartAsync(context =>
        {
            requests.Increment();
            answer(context.Response);
            return Task.CompletedTask;
        });

    private static string HttpDate(DateTimeOffset value) => value.ToString("r", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("99999999999")]
    [InlineData("Fri, 01 Jan 2100 00:00:00 GMT")]
    public async Task Get_RetryAfterFarBeyondTheCap_ReturnsTheServersAnswerAtOnce(string retryAfter)
    {
        var requests = new SendCounter();
        await using KestrelServer server = await ServeAsync(r => { r.StatusCode = 503; r.Headers.RetryAfter = retryAfter; }, requests);
        using HttpClient client = CreateClient(server.Address);
        var clock = Stopwatch.StartNew();

        using HttpResponseMessage response = await client.GetAsync("/r");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.GetValues("Retry-After").ShouldBe([retryAfter], "the caller gets the server's own answer to act on");
        requests.Sends.ShouldBe(1);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "nobody waits for a pause the cap refuses");
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("Sat, 01 Jan 1994 00:00:00 GMT")]
    [InlineData("soon, maybe")]
    public async Task Get_RetryAfterNegativeFractionalPastOrMalformed_FallsBackToTheBackoff(string retryAfter)
    {
        var requests = new SendCounter();
        await using KestrelServer server = await ServeAsync(r =>
        {
            r.StatusCode = requests.Sends < 3 ? 429 : 200;
            r.Headers.RetryAfter = retryAfter;
        }, requests);
        using HttpClient client = CreateClient(server.Address);
        var clock = Stopwatch.StartNew();

        using HttpResponseMessage response = await client.GetAsync("/r");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        requests.Sends.ShouldBe(3);
        // Misread as a pause of a second or more, the two waits would take at least 2 s.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1.9), "the backoff (10 ms, 20 ms) applies, not a misread pause");
    }

    [Fact]
    public async Task Get_RetryAfterHeaderOf60KB_IsIgnoredAndTheBackoffApplies()
    {
        // 60 KB: just under the client's 64 KB limit on response headers (see the next test for beyond it).
        var requests = new SendCounter();
        string huge = new('x', 60 * 1024);
        await using KestrelServer server = await ServeAsync(r =>
        {
            r.StatusCode = requests.Sends < 2 ? 503 : 200;
            r.Headers.RetryAfter = huge;
        }, requests);
        using HttpClient client = CreateClient(server.Address);

        using HttpResponseMessage response = await client.GetAsync("/r");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        requests.Sends.ShouldBe(2);
    }

    [Fact]
    public async Task Get_HeadersBeyondTheClientsLimit_FailOnceWithAClearErrorAndAreNotRetried()
    {
        var requests = new SendCounter();
        string huge = new('x', 80 * 1024);
        await using KestrelServer server = await ServeAsync(r => { r.StatusCode = 503; r.Headers.RetryAfter = huge; }, requests);
        using HttpClient client = CreateClient(server.Address);

        HttpRequestException ex = await Catch.ExceptionAsync<HttpRequestException>(() => client.GetAsync("/r"));

        ex.HttpRequestError.ShouldBe(HttpRequestError.ConfigurationLimitExceeded);
        requests.Sends.ShouldBe(1, "the same oversized answer would come back on every attempt");
    }

    [Fact]
    public async Task Get_DateHeaderYearsOff_RetryAfterDateIsMeasuredAgainstIt()
    {
        var requests = new SendCounter();
        DateTimeOffset serverNow = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using KestrelServer server = await ServeAsync(r =>
        {
            r.StatusCode = requests.Sends < 2 ? 503 : 200;
            r.Headers.Date = HttpDate(serverNow);
            r.Headers.RetryAfter = HttpDate(serverNow.AddSeconds(1));
        }, requests);
        using HttpClient client = CreateClient(server.Address);
        var clock = Stopwatch.StartNew();

        using HttpResponseMessage response = await client.GetAsync("/r");

        // Against the local clock the date is 25 years past (no wait); against the server's own Date it is 1 s.
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        requests.Sends.ShouldBe(2);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Get_ServerThatNeverSendsHeaders_TimesOutEachAttemptAndEndsWithATimeout()
    {
        await using var silent = SilentServer.Start();
        using HttpClient client = CreateClient(silent.Address, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => client.GetAsync("/r"));
        TimeSpan elapsed = clock.Elapsed;

        ex.InnerException.ShouldBeOfType<TimeoutException>();
        elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(3 * 500));
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));

        // On a loaded machine the server may read the last request after the client has given up on it.
        await FakeTimeExtensions.UntilAsync(() => silent.Requests >= 3);
        silent.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task Post_ServerThatNeverSendsHeaders_IsSentOnceAndEndsWithATimeout()
    {
        await using var silent = SilentServer.Start();
        using HttpClient client = CreateClient(silent.Address, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500));

        TaskCanceledException ex = await Catch.ExceptionAsync<TaskCanceledException>(() => client.PostAsync("/pay", new StringContent("{}")));

        ex.InnerException.ShouldBeOfType<TimeoutException>();
        silent.Requests.ShouldBe(1, "the server may have acted on it: a POST without a key is not sent again");
    }

    [Fact]
    public async Task Get_ServerAnsweringGarbage_EndsWithAClearHttpRequestException()
    {
        await using var garbage = SilentServer.Start("NOT-HTTP garbage\r\n\r\n"u8.ToArray());
        using HttpClient client = CreateClient(garbage.Address);

        HttpRequestException ex = await Catch.ExceptionAsync<HttpRequestException>(() => client.GetAsync("/r"));

        ex.HttpRequestError.ShouldBe(HttpRequestError.InvalidResponse);
        garbage.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task Post_NameThatDoesNotResolve_IsRetriedAsNothingWasSentAndEndsWithTheResolutionError()
    {
        int connects = 0;
        var services = new ServiceCollection();
        services.AddHttpClient("dns", c => c.BaseAddress = new Uri("http://no-such-host.invalid/"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = (context, token) =>
                {
                    Interlocked.Increment(ref connects);
                    return KestrelServer.ConnectAsync(context.DnsEndPoint, token);
                },
            })
            .AddResilientHandler(o =>
            {
                o.Retry.MaxAttempts = 3;
                o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
                o.Retry.UnsafeMethods = UnsafeMethodRetry.Never;

                // Generous: a slow resolver must end in its own failure, not in an attempt timeout.
                o.AttemptTimeout = TimeSpan.FromSeconds(60);
            });
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("dns");

        HttpRequestException ex = await Catch.ExceptionAsync<HttpRequestException>(() => client.PostAsync("/pay", new StringContent("{}")));

        ex.HttpRequestError.ShouldBe(HttpRequestError.NameResolutionError);
        connects.ShouldBe(3, "a name that does not resolve proves nothing was sent: even an unkeyed POST is tried again");
    }

    /// <summary>A TCP server on loopback that reads each request and answers nothing, or the given bytes, then closes.</summary>
    private sealed class SilentServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[]? _answer;
        private readonly List<Socket> _accepted = [];
        private readonly Task _loop;
        private int _requests;

        private SilentServer(byte[]? answer)
        {
            _answer = answer;
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = AcceptAsync();
        }

        public Uri Address { get; }

        public int Requests => Volatile.Read(ref _requests);

        public static SilentServer Start(byte[]? answer = null) => new(answer);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }

                    _ = ServeAsync(socket);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            try
            {
                byte[] buffer = new byte[4096];
                if (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
                {
                    Interlocked.Increment(ref _requests);
                    if (_answer is not null)
                    {
                        await socket.SendAsync(_answer, _stop.Token);
                        socket.Shutdown(SocketShutdown.Both);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            lock (_accepted)
            {
                _accepted.ForEach(s => s.Dispose());
            }

            _stop.Dispose();
        }
    }
}
