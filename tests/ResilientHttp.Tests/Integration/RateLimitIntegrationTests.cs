using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.Integration;

/// <summary>
/// P1 over real sockets, for every header form: a real Kestrel server spends its quota in the form a vendor sends,
/// and the client's next call (on a fake clock, which is months away from the server's real one) is sent only at the
/// reset when made before it, at once when made after it, and at once when the value is absurd.
/// </summary>
public sealed class RateLimitIntegrationTests
{
    // The quota resets this long after the answer that spent it.
    private const int ResetSeconds = 3;

    public static TheoryData<string> Forms() =>
    [
        "IETF RateLimit list",
        "IETF RateLimit dictionary",
        "RateLimit-Remaining/Reset",
        "X-RateLimit delta-seconds",
        "X-RateLimit Unix time (GitHub)",
        "OpenAI duration",
        "Anthropic RFC 3339",
    ];

    // The headers a server of that form sends when its quota is spent and resets in `seconds`, by its own clock.
    private static (string Name, string Value)[] Spent(string form, int seconds)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string s = seconds.ToString(CultureInfo.InvariantCulture);
        return form switch
        {
            "IETF RateLimit list" => [("RateLimit-Policy", $"\"default\";q=5;w={s}"), ("RateLimit", $"\"default\";r=0;t={s}")],
            "IETF RateLimit dictionary" => [("RateLimit", $"limit=5, remaining=0, reset={s}")],
            "RateLimit-Remaining/Reset" => [("RateLimit-Limit", "5"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", s)],
            "X-RateLimit delta-seconds" => [("X-RateLimit-Limit", "5"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", s)],
            // Rounded up: Kestrel's Date is whole seconds, so the wait read is at least `seconds`.
            "X-RateLimit Unix time (GitHub)" => [("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", (now.ToUnixTimeSeconds() + seconds + 1).ToString(CultureInfo.InvariantCulture))],
            "OpenAI duration" => [("x-ratelimit-limit-requests", "5"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", $"{seconds / 60}m{seconds % 60}s")],
            "Anthropic RFC 3339" => [("anthropic-ratelimit-requests-limit", "5"), ("anthropic-ratelimit-requests-remaining", "0"), ("anthropic-ratelimit-requests-reset", now.AddSeconds(seconds + 1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))],
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
    }

    private static async Task<QuotaHost> StartAsync(string form, int seconds)
    {
        var time = new TestTimeProvider(TestClient.Start);
        var arrivals = new List<TimeSpan>();
        KestrelServer server = await KestrelServer.StartAsync(context =>
        {
            lock (arrivals)
            {
                arrivals.Add(time.GetUtcNow() - TestClient.Start);
            }

            if (context.Request.Path == "/spend")
            {
                foreach ((string name, string value) in Spent(form, seconds))
                {
                    context.Response.Headers.Append(name, value);
                }
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("quota", c => c.BaseAddress = server.Address).AddResilientHandler(_ => { });
        return new QuotaHost(server, services.BuildServiceProvider(), time, arrivals);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Get_CallBeforeTheReset_IsSentOnlyAtTheReset(string form)
    {
        await using QuotaHost host = await StartAsync(form, ResetSeconds);
        using (HttpResponseMessage spent = await host.Client.GetAsync("/spend"))
        {
            spent.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        host.Time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage next = await host.Time.RunAsync(host.Client.GetAsync("/next"));

        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Arrivals.Count.ShouldBe(2);
        host.Arrivals[1].ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(ResetSeconds), $"{form}: the call went out before the quota's reset");
        host.Arrivals[1].ShouldBeLessThan(TimeSpan.FromSeconds((ResetSeconds + 3) * 1.5), $"{form}: the wait is the reset plus R10's bounded jitter");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Get_CallAfterTheReset_IsSentAtOnce(string form)
    {
        await using QuotaHost host = await StartAsync(form, ResetSeconds);
        using (await host.Client.GetAsync("/spend"))
        {
        }

        host.Time.Advance(TimeSpan.FromSeconds(ResetSeconds + 2));
        using HttpResponseMessage next = await host.Client.GetAsync("/next");

        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Arrivals[1].ShouldBe(TimeSpan.FromSeconds(ResetSeconds + 2), $"{form}: nothing was waited for once the quota was back");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Get_AbsurdReset_IsIgnoredAndTheCallSentAtOnce(string form)
    {
        // Two days: past the longest believable reset in every form.
        await using QuotaHost host = await StartAsync(form, 2 * 86_400);
        using (await host.Client.GetAsync("/spend"))
        {
        }

        using HttpResponseMessage next = await host.Client.GetAsync("/next");

        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Arrivals[1].ShouldBe(TimeSpan.Zero, $"{form}: an absurd reset held the call");
    }

    [Fact]
    public async Task Get_TwentyCallsToAHostWithAQuotaOfFivePerTwoSeconds_NoneCollectsA429()
    {
        var time = new TestTimeProvider(TestClient.Start);
        var window = new QuotaWindow(5, TimeSpan.FromSeconds(2), time);
        int rejected = 0;
        await using KestrelServer server = await KestrelServer.StartAsync(context =>
        {
            (bool allowed, int left, TimeSpan reset) = window.Take();
            context.Response.Headers.Append("RateLimit-Policy", "\"default\";q=5;w=2");
            context.Response.Headers.Append("RateLimit", $"\"default\";r={left};t={Math.Ceiling(reset.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
            if (!allowed)
            {
                Interlocked.Increment(ref rejected);
            }

            context.Response.StatusCode = allowed ? StatusCodes.Status200OK : StatusCodes.Status429TooManyRequests;
            return Task.CompletedTask;
        });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("quota", c => c.BaseAddress = server.Address).AddResilientHandler(_ => { });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("quota");

        for (int i = 0; i < 20; i++)
        {
            using HttpResponseMessage response = await time.RunAsync(client.GetAsync($"/call/{i}"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        rejected.ShouldBe(0, "every call waited for the quota instead of spending a request on a 429");
        (time.GetUtcNow() - TestClient.Start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(6), "20 calls at 5 per 2 s take at least three resets");
    }

    // A fixed-window quota on the test's clock, as a rate-limited API keeps it.
    private sealed class QuotaWindow(int limit, TimeSpan length, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _start = time.GetUtcNow();
        private int _used;

        public (bool Allowed, int Left, TimeSpan Reset) Take()
        {
            lock (_gate)
            {
                DateTimeOffset now = time.GetUtcNow();
                if (now - _start >= length)
                {
                    _start = now;
                    _used = 0;
                }

                bool allowed = _used < limit;
                _used += allowed ? 1 : 0;
                return (allowed, limit - _used, _start + length - now);
            }
        }
    }

    // A server that spends its quota on /spend, and a client of the library against it on a test clock.
    private sealed class QuotaHost(KestrelServer server, ServiceProvider provider, TestTimeProvider time, List<TimeSpan> arrivals) : IAsyncDisposable
    {
        public HttpClient Client { get; } = provider.GetRequiredService<IHttpClientFactory>().CreateClient("quota");

        public TestTimeProvider Time => time;

        public List<TimeSpan> Arrivals => arrivals;

        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            await server.DisposeAsync();
        }
    }
}
