using System.Net;
using System.Net.Http.Headers;

namespace ResilientHttp.Demo;

/// <summary>The scenarios, in the order they play.</summary>
internal static class Scenarios
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("flaky", "A flaky host (503, 503, 200): retried with jittered exponential backoff, recovered", FlakyAsync),
        new("rate-limited", "A rate-limited host (429 + Retry-After): the wait is honoured; one longer than the cap comes back at once", RateLimitedAsync),
        new("quota", "A host announcing its quota (RateLimit: 5 calls per 2 s): 20 calls wait for each reset instead of collecting 429s", QuotaAsync),
        new("bug", "A bug (401, 404, 422): not retried, returned at once", BugAsync),
        new("post", "A POST to a failing host: sent once without an idempotency key, retried with the same key with one", PostAsync),
        new("dead-host", "A dead host: the circuit opens, calls are refused without touching the network, failed probes double the break, jittered; one probe closes it", DeadHostAsync),
        new("outage", "A brown-out (3 calls in 5 fail) with 20 concurrent callers: the retry budget holds the extra load near 10%", OutageAsync),
    ];

    private static async Task<(bool, string)> FlakyAsync(DemoContext demo)
    {
        demo.Server.Script("/flaky", 503, 503, 200);
        HttpClient client = demo.CreateClient("flaky", demo.Server.Address, o => o.Retry.BaseDelay = demo.Wait(TimeSpan.FromSeconds(1)));

        using HttpResponseMessage response = await client.GetAsync("flaky");

        int sent = demo.Server.Requests("/flaky");
        return (response.StatusCode == HttpStatusCode.OK && sent == 3,
            $"the caller got {(int)response.StatusCode} after {sent} attempts and never saw the 503s");
    }

    private static async Task<(bool, string)> RateLimitedAsync(DemoContext demo)
    {
        TimeSpan[] at = new TimeSpan[2];
        demo.Server.Script("/limited", (n, context) =>
        {
            at[Math.Min(n, 2) - 1] = demo.Timeline.Now;
            context.Response.StatusCode = n == 1 ? 429 : 200;
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            return Task.CompletedTask;
        });
        demo.Server.Script("/limited-long", (_, context) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        HttpClient client = demo.CreateClient("rate-limited", demo.Server.Address, _ => { });

        using HttpResponseMessage honoured = await client.GetAsync("limited");
        TimeSpan start = demo.Timeline.Now;
        using HttpResponseMessage tooLong = await client.GetAsync("limited-long");
        TimeSpan tookLong = demo.Timeline.Now - start;

        TimeSpan waited = at[1] - at[0];
        bool passed = honoured.StatusCode == HttpStatusCode.OK && waited >= TimeSpan.FromSeconds(1) &&
            tooLong.StatusCode == HttpStatusCode.TooManyRequests && demo.Server.Requests("/limited-long") == 1 && tookLong < TimeSpan.FromSeconds(1);
        return (passed, $"waited {waited.TotalSeconds:0.00} s for 'Retry-After: 1'; 'Retry-After: 120' (over the 30 s cap) came back in {tookLong.TotalMilliseconds:0} ms");
    }

    private static async Task<(bool, string)> QuotaAsync(DemoContext demo)
    {
        // The IETF fields count whole seconds: --fast shortens the window to 1 s, and no further.
        var quota = new FixedWindowQuota(limit: 5, windowSeconds: demo.Fast ? 1 : 2);
        demo.Server.Script("/quota", (_, context) =>
        {
            (bool allowed, int remaining, int resetSeconds) = quota.Take(demo.Timeline.Now);
            context.Response.StatusCode = allowed ? 200 : 429;
            context.Response.Headers["RateLimit-Policy"] = $"\"default\";q={quota.Limit};w={quota.WindowSeconds}";
            context.Response.Headers["RateLimit"] = $"\"default\";r={remaining};t={resetSeconds}";
            return Task.CompletedTask;
        });
        HttpClient client = demo.CreateClient("quota", demo.Server.Address, _ => { });
        const int calls = 20;
        demo.Timeline.Add("caller", $"{calls} calls, one after another; the host allows {quota.Limit} per {quota.WindowSeconds} s and says so on every answer", Tone.Dim);

        TimeSpan start = demo.Timeline.Now;
        int succeeded = 0;
        for (int i = 0; i < calls; i++)
        {
            using HttpResponseMessage response = await client.GetAsync("quota");
            succeeded += response.IsSuccessStatusCode ? 1 : 0;
        }

        TimeSpan took = demo.Timeline.Now - start;

        // 20 calls at 5 per window fill 4 windows: the last call cannot come before the third reset.
        TimeSpan resets = TimeSpan.FromSeconds(((calls / quota.Limit) - 1) * quota.WindowSeconds);
        bool passed = succeeded == calls && demo.Server.Requests("/quota") == calls && quota.Refused == 0 && took >= resets;
        return (passed, $"{calls} calls, {succeeded} succeeded, {quota.Refused} answered 429, took {took.TotalSeconds:0.0} s ({quota.Windows} windows of {quota.Limit} calls)");
    }

    private static async Task<(bool, string)> BugAsync(DemoContext demo)
    {
        demo.Server.Script("/unauthorized", 401);
        demo.Server.Script("/missing", 404);
        demo.Server.Script("/invalid", 422);
        HttpClient client = demo.CreateClient("bug", demo.Server.Address, _ => { });

        var statuses = new List<int>();
        foreach (string path in new[] { "unauthorized", "missing", "invalid" })
        {
            using HttpResponseMessage response = await client.GetAsync(path);
            statuses.Add((int)response.StatusCode);
        }

        int sent = demo.Server.Requests("/unauthorized") + demo.Server.Requests("/missing") + demo.Server.Requests("/invalid");
        return (statuses.SequenceEqual([401, 404, 422]) && sent == 3, $"3 calls, {sent} requests: {string.Join(", ", statuses)} returned as they came");
    }

    private static async Task<(bool, string)> PostAsync(DemoContext demo)
    {
        demo.Server.Script("/pay", 503);
        demo.Server.Script("/pay-keyed", 503, 503, 201);
        HttpClient client = demo.CreateClient("post", demo.Server.Address, o => o.Retry.BaseDelay = demo.Wait(TimeSpan.FromSeconds(1)));

        using HttpResponseMessage once = await client.PostAsync("pay", new StringContent("{\"amount\":42}", MediaTypeHeaderValue.Parse("application/json")));
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "pay-keyed") { Content = new StringContent("{\"amount\":42}") };
        keyed.Headers.Add("Idempotency-Key", "order-1001");
        using HttpResponseMessage retried = await client.SendAsync(keyed);

        bool passed = once.StatusCode == HttpStatusCode.ServiceUnavailable && demo.Server.Requests("/pay") == 1 &&
            retried.StatusCode == HttpStatusCode.Created && demo.Server.Requests("/pay-keyed") == 3;
        return (passed, $"without a key: sent {demo.Server.Requests("/pay")} time (no duplicate charge); with one: {demo.Server.Requests("/pay-keyed")} sends, one key, {(int)retried.StatusCode}");
    }

    private static async Task<(bool, string)> DeadHostAsync(DemoContext demo)
    {
        // A host that is down: a port where nothing listens, so every connection is refused.
        int port;
        await using (FaultServer probe = await FaultServer.StartAsync(demo.Timeline))
        {
            port = probe.Address.Port;
        }

        // Two instances of one service call the host: each circuit's break is spread at random, so they do not probe together.
        TimeSpan breakDuration = demo.Wait(TimeSpan.FromMilliseconds(500));
        var address = new Uri($"http://127.0.0.1:{port}/");
        void Configure(ResilientHttpOptions o)
        {
            o.Retry.MaxAttempts = 2;
            o.Retry.BaseDelay = demo.Wait(TimeSpan.FromMilliseconds(200));
            o.CircuitBreaker.FailureThreshold = 3;
            o.CircuitBreaker.BreakDuration = breakDuration;
            o.CircuitBreaker.MaxBreakDuration = breakDuration * 4;
            o.CircuitBreaker.BreakJitterFactor = 0.2;
        }

        HttpClient client = demo.CreateClient("dead-host", address, Configure);
        HttpClient other = demo.CreateClient("dead-host-2", address, Configure);
        var firstBreaks = new List<TimeSpan>();
        bool sentNothing = true;
        foreach (HttpClient instance in new[] { client, other })
        {
            for (int i = 0; i < 2; i++)
            {
                try
                {
                    using HttpResponseMessage response = await instance.GetAsync("status");
                }
                catch (HttpRequestException ex) when (ex is not CircuitOpenException)
                {
                    demo.Timeline.Add("caller", $"call failed: {ex.HttpRequestError}", Tone.Dim);
                }
            }

            int connectsWhileOpen = demo.Connects;
            firstBreaks.Add(await RefusalAsync(instance));
            sentNothing &= demo.Connects == connectsWhileOpen;
        }

        (TimeSpan firstBreak, TimeSpan otherBreak) = (firstBreaks[0], firstBreaks[1]);

        // The host stays down: each failed probe doubles the break, up to MaxBreakDuration.
        var breaks = new List<TimeSpan> { firstBreak };
        for (int probe = 0; probe < 3; probe++)
        {
            await Task.Delay(breaks[^1] + TimeSpan.FromMilliseconds(20));
            await IsRefusedAsync(() => client.GetAsync("status"), swallowFailure: true);
            breaks.Add(await RefusalAsync(client));
        }

        demo.Timeline.Add("caller", $"the host comes back; the next probe is in {breaks[^1].TotalSeconds:0.00} s", Tone.Dim);
        await using FaultServer back = await FaultServer.StartAsync(demo.Timeline, port);
        back.Script("/status", 200);
        await Task.Delay(breaks[^1] + TimeSpan.FromMilliseconds(20));

        using HttpResponseMessage probeResponse = await client.GetAsync("status");
        using HttpResponseMessage after = await client.GetAsync("status");

        bool grew = breaks[1] > breaks[0] * 1.3 && breaks[2] > breaks[1] * 1.3 && breaks[3] <= breakDuration * 4 * 1.2;
        bool spread = firstBreak != otherBreak;
        bool passed = sentNothing && grew && spread && probeResponse.StatusCode == HttpStatusCode.OK && after.StatusCode == HttpStatusCode.OK;
        string growth = string.Join(" → ", breaks.Select(b => $"{b.TotalSeconds:0.00} s"));
        return (passed, $"refused calls attempted no connection; breaks {growth} (doubling up to {(breakDuration * 4).TotalSeconds:0.#} s, each spread ±20%: the other instance's first break was {otherBreak.TotalSeconds:0.00} s); one probe, then closed");
    }

    // The time until the next probe, as a refused call reports it.
    private static async Task<TimeSpan> RefusalAsync(HttpClient client)
    {
        try
        {
            using HttpResponseMessage response = await client.GetAsync("status");
            return TimeSpan.Zero;
        }
        catch (CircuitOpenException ex)
        {
            return ex.RetryAfter;
        }
    }

    private static async Task<bool> IsRefusedAsync(Func<Task<HttpResponseMessage>> call, bool swallowFailure = false)
    {
        try
        {
            using HttpResponseMessage response = await call();
            return false;
        }
        catch (CircuitOpenException)
        {
            return true;
        }
        catch (HttpRequestException) when (swallowFailure)
        {
            return false;
        }
    }

    private static async Task<(bool, string)> OutageAsync(DemoContext demo)
    {
        demo.Server.Quiet = true;
        demo.Timeline.Muted = true;
        (int calls, int attemptsWithout, int okWithout) = await StormAsync(demo, "/outage-no-budget", budget: false);
        string eventsWithout = Describe(demo.Timeline.TakeTally());
        (_, int attemptsWith, int okWith) = await StormAsync(demo, "/outage-budget", budget: true);
        string eventsWith = Describe(demo.Timeline.TakeTally());
        demo.Timeline.Muted = false;
        demo.Server.Quiet = false;

        demo.Timeline.Add("library", $"budget off: {eventsWithout}", Tone.Dim);
        demo.Timeline.Add("library", $"budget on:  {eventsWith}", Tone.Dim);

        double without = attemptsWithout / (double)calls;
        double with = attemptsWith / (double)calls;
        demo.Timeline.Add("result", $"{"",-16}{"calls",8}{"attempts",10}{"amplification",15}{"extra load",12}{"succeeded",11}", Tone.Plain);
        demo.Timeline.Add("result", $"{"budget off",-16}{calls,8}{attemptsWithout,10}{without,14:0.00}x{(without - 1) * 100,11:0}%{okWithout,11}", Tone.Bad);
        demo.Timeline.Add("result", $"{"budget on (10%)",-16}{calls,8}{attemptsWith,10}{with,14:0.00}x{(with - 1) * 100,11:0}%{okWith,11}", Tone.Good);
        demo.Timeline.Add("result", "The budget trades a few recoveries for a host that is not kept down by its own callers' retries.", Tone.Dim);
        return (with <= 1.2 && without >= 1.5, $"retries added {(without - 1) * 100:0}% load without the budget, {(with - 1) * 100:0}% with it");
    }

    private static string Describe(IReadOnlyDictionary<string, int> tally) =>
        string.Join(", ", tally.Select(kv => $"{kv.Value} {kv.Key}"));

    // 20 callers make 400 calls to a host failing 3 requests in 5; breaker off to isolate the budget.
    private static async Task<(int Calls, int Attempts, int Succeeded)> StormAsync(DemoContext demo, string path, bool budget)
    {
        demo.Server.Script(path, (n, context) =>
        {
            context.Response.StatusCode = n % 5 < 3 ? 503 : 200;
            return Task.CompletedTask;
        });
        HttpClient client = demo.CreateClient(path.Trim('/'), demo.Server.Address, o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(5);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
            o.Retry.Budget.Enabled = budget;
            o.CircuitBreaker.Enabled = false;
        });
        const int callers = 20;
        const int callsEach = 20;
        int succeeded = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            for (int i = 0; i < callsEach; i++)
            {
                using HttpResponseMessage response = await client.GetAsync(path.TrimStart('/'));
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
        }));
        return (callers * callsEach, demo.Server.Requests(path), succeeded);
    }
}
