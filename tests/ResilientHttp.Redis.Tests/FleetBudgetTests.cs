using ResilientHttp.Testing;
using StackExchange.Redis;

namespace ResilientHttp.Redis.Tests;

/// <summary>The fleet's retry budget over a real Redis and a real Kestrel server, several processes (service providers) sharing it.</summary>
public sealed class FleetBudgetTests : RedisWorld
{
    [Fact]
    public async Task Retries_OfFourProcesses_DrawOnOneFleetBudget()
    {
        int retries = await RetriesOfFourProcessesInAnOutageAsync(shared: true);

        // One client's bucket (3) for the whole fleet, plus at most one lease per process granted before the
        // others' spending was reported: never the 4 × 3 of four local buckets.
        retries.ShouldBeLessThanOrEqualTo(3 + 4);
        retries.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task WithoutTheStore_EachProcessSpendsABudgetOfItsOwn()
    {
        // The same outage without Redis: what the fleet budget above saves.
        int retries = await RetriesOfFourProcessesInAnOutageAsync(shared: false);

        retries.ShouldBe(4 * 3);
    }

    [Fact]
    public async Task AProcessThatJoinsAfterTheFleetSpentItsBudget_DoesNotRetryOnceTheStoreAnswered()
    {
        await using var spender = Process("spender", shared: true);
        (await spender.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => spender.Host.Fleet!.IsShared, "the spender's first answer");
        Server.Answer = _ => (503, null);
        for (int i = 0; i < 4; i++)
        {
            await spender.GetStatusAsync();
        }

        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        RedisKey key = FleetProcess.BudgetKey(Server.Address);
        await FleetProcess.EventuallyAsync(() => Balance(look, key) < 1, "the spender's retries reported");
        await using var late = Process("late", shared: true);
        Server.Answer = c => c.Request.Path == "/ok" ? (200, null) : (503, null);
        (await late.GetStatusAsync("ok")).ShouldBe(200); // its host is tracked, its share joined
        await FleetProcess.EventuallyAsync(() => late.Host.Fleet!.IsShared, "the late process's first answer");
        int before = Server.RequestsFrom("late");

        (await late.GetStatusAsync()).ShouldBe(503);

        Server.RequestsFrom("late").ShouldBe(before + 1, "the fleet's bucket is spent: no retry, although this process's own bucket is full");
        late.Host.BudgetIfUsed.ShouldNotBeNull().Tokens.ShouldBe(3);
    }

    [Fact]
    public async Task SuccessfulCalls_OfEveryProcess_RefillTheFleetBucket_InBatches()
    {
        await using var a = Process("a", shared: true);
        await using var b = Process("b", shared: true);
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        RedisKey key = FleetProcess.BudgetKey(Server.Address);
        (await a.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => a.Host.Fleet!.IsShared, "a's first answer");
        await look.GetDatabase().StringSetAsync(key, "-3");
        long scriptsBefore = ScriptCalls(look);

        // 30 successful calls, 0.1 token each, from two processes: 3 tokens back, in a few batches, not 30 writes.
        for (int i = 0; i < 15; i++)
        {
            (await a.GetStatusAsync()).ShouldBe(200);
            (await b.GetStatusAsync()).ShouldBe(200);
        }

        await FleetProcess.EventuallyAsync(
            () => Balance(look, key) >= -0.0001,
            "the two processes' earnings reported");
        Balance(look, key).ShouldBe(0, 0.0001);
        long scripts = ScriptCalls(look) - scriptsBefore;
        scripts.ShouldBeLessThan(30, "reports in batches, not one per call");
        scripts.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ARetryMetWithAStaleLease_WaitsForTheStoresAnswer_AndIsMadeOnIt()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var process = new FleetProcess("p", Server.Address, Redis.Configuration, fleet: o => o.LeaseDuration = TimeSpan.FromSeconds(5), time: time);
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Host.Fleet!.IsShared, "the first answer");
        time.Advance(TimeSpan.FromSeconds(6)); // the lease is stale
        int answers = process.Host.Fleet!.Answers;
        int served = 0;
        Server.Answer = _ => Interlocked.Increment(ref served) == 1 ? (503, null) : (200, null);

        // Awaited as it is: the clock stands still, so only the store's real answer can end the wait.
        (await process.GetStatusAsync()).ShouldBe(200);

        served.ShouldBe(2);
        process.Host.Fleet.Answers.ShouldBeGreaterThan(answers, "the retry waited for a fresh answer");
        process.Logged("RetryScheduled").ShouldBe(1);
    }

    [Fact]
    public async Task ARetryMetWithAStaleLease_IsRefused_WhenTheFreshAnswerFindsTheFleetSpent()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var process = new FleetProcess("p", Server.Address, Redis.Configuration, time: time);
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Host.Fleet!.IsShared, "the first answer");
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        await look.GetDatabase().StringSetAsync(FleetProcess.BudgetKey(Server.Address), "-3"); // the rest of the fleet spent it
        time.Advance(TimeSpan.FromSeconds(6));
        Server.Answer = _ => (503, null);
        int before = Server.RequestsFrom("p");

        (await process.GetStatusAsync()).ShouldBe(503);

        Server.RequestsFrom("p").ShouldBe(before + 1);
        process.Host.BudgetIfUsed.ShouldNotBeNull().Tokens.ShouldBe(3, "this process's own bucket would have paid");
    }

    [Fact]
    public async Task ARetryMetWithAStaleLease_AndAHungRedis_IsDecidedLocallyAfterTheStoreTimeout()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var process = new FleetProcess("p", Server.Address, Redis.Configuration, time: time);
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Host.Fleet!.IsShared, "the first answer");
        time.Advance(TimeSpan.FromSeconds(6));
        int served = 0;
        Server.Answer = _ => Interlocked.Increment(ref served) == 1 ? (503, null) : (200, null);
        Redis.Hang();
        int answers = process.Host.Fleet!.Answers;
        try
        {
            // VirtualTime ends the wait for the store (250 ms on the client's clock) as soon as the call has nothing
            // else to wait for: the local budget decides, and the retry is made.
            (await time.RunAsync(process.GetStatusAsync())).ShouldBe(200);

            served.ShouldBe(2);
            process.Host.Fleet.Answers.ShouldBe(answers, "no answer came from the hung store");
            process.Host.BudgetIfUsed.ShouldNotBeNull().Tokens.ShouldBe(2.1, 0.0001, "the local bucket paid (3 - 1, then the success earned 0.1)");
        }
        finally
        {
            Redis.Resume();
        }
    }

    // The scripts Redis ran (EVAL and EVALSHA), from its own command statistics.
    internal static long ScriptCalls(ConnectionMultiplexer look)
    {
        IServer server = look.GetServer(look.GetEndPoints()[0]);
        return server.Info("commandstats").SelectMany(g => g)
            .Where(p => p.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(p => long.Parse(p.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AKeyTheScriptCannotUse_CostsThatHostItsAnswer_NotTheStore()
    {
        await using UpstreamServer other = await UpstreamServer.StartAsync();
        await using var process = Process("p", shared: true);
        using var otherClient = new HttpClient(); // the same process's client "api", to a second host
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        await look.GetDatabase().ListLeftPushAsync(FleetProcess.BudgetKey(other.Address), "not a bucket"); // WRONGTYPE for GET

        (await process.GetStatusAsync()).ShouldBe(200);
        (await process.Client.GetAsync(new Uri(other.Address, "work"))).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        HostState good = process.Registry.GetClient("api").Hosts.Find(HostTable.FormatAuthority(Server.Address))!;
        HostState bad = process.Registry.GetClient("api").Hosts.Find(HostTable.FormatAuthority(other.Address))!;
        await FleetProcess.EventuallyAsync(() => good.Fleet!.IsShared, "the good host answered");
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => good.Fleet!.Answers >= 2, "a second round");

        process.Store.IsAvailable.ShouldBeTrue();
        bad.Fleet!.IsShared.ShouldBeFalse("its key holds a list");
        process.Logged("FleetStoreUnavailable").ShouldBe(0);
    }

    internal static double Balance(ConnectionMultiplexer look, RedisKey key) =>
        double.Parse((string?)look.GetDatabase().StringGet(key) ?? "3", System.Globalization.CultureInfo.InvariantCulture);

    private FleetProcess Process(string name, bool shared, Action<FleetOptions>? fleet = null) =>
        new(name, Server.Address, shared ? Redis.Configuration : null, o =>
        {
            o.Retry.Budget.Capacity = 3;
            o.Retry.MaxAttempts = 2;
        }, o =>
        {
            o.LeaseSize = 1;
            o.LeaseDuration = TimeSpan.FromSeconds(30);
            fleet?.Invoke(o);
        });

    private async Task<int> RetriesOfFourProcessesInAnOutageAsync(bool shared)
    {
        FleetProcess[] fleet = [Process("a", shared), Process("b", shared), Process("c", shared), Process("d", shared)];
        try
        {
            foreach (FleetProcess process in fleet)
            {
                (await process.GetStatusAsync()).ShouldBe(200);
            }

            if (shared)
            {
                await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Host.Fleet!.IsShared), "every process's first answer");
            }

            int healthy = Server.Requests;
            Server.Answer = _ => (503, null);
            foreach (FleetProcess process in fleet)
            {
                for (int call = 0; call < 4; call++)
                {
                    // One retry per call, and the store's answer to it awaited: the count does not hang on a race
                    // between a retry and the answer to the one before (which the local bucket would then pay).
                    int answers = process.Host.Fleet?.Answers ?? 0;
                    (await process.GetStatusAsync()).ShouldBe(503);
                    if (shared)
                    {
                        await FleetProcess.EventuallyAsync(() => process.Host.Fleet!.Answers > answers, "the answer to the call's report");
                    }
                }
            }

            return Server.Requests - healthy - (4 * 4);
        }
        finally
        {
            foreach (FleetProcess process in fleet)
            {
                await process.DisposeAsync();
            }
        }
    }
}
