using ResilientHttp.Testing;
using StackExchange.Redis;

namespace ResilientHttp.Redis.Tests;

/// <summary>R10 and P1 across the fleet: a pause one process was asked for holds the calls of the others.</summary>
public sealed class FleetPauseTests : RedisWorld
{
    [Fact]
    public async Task RetryAfter_ToOneProcess_HoldsTheCallsOfAnother()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var told = Process("told", shared: true);
        await using var other = Process("other", shared: true, time);
        await WarmAsync(told, other);

        Server.Answer = c => c.Request.Headers["X-Process"] == "told" ? (429, "20") : (200, null);
        (await told.GetStatusAsync()).ShouldBe(429);

        await FleetProcess.EventuallyAsync(() => Held(other, time) > TimeSpan.FromSeconds(19), "the pause published to the other process");
        Held(other, time).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(20));
        other.Host.Pacing.Source.ShouldBe(WaitSource.Pacing);
        int before = Server.RequestsFrom("other");
        DateTimeOffset start = time.GetUtcNow();

        Task<int> call = other.GetStatusAsync();
        await Task.Delay(200); // a real moment: the call, if it were not held, would reach the server in it
        Server.RequestsFrom("other").ShouldBe(before, "the call waits for the pause");
        (await time.RunAsync(call)).ShouldBe(200);

        Server.RequestsFrom("other").ShouldBe(before + 1);
        (time.GetUtcNow() - start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(19));
    }

    [Fact]
    public async Task AQuotaSpent_SaysRateLimit_ToTheOtherProcess()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var told = Process("told", shared: true);
        await using var other = Process("other", shared: true, time);
        await WarmAsync(told, other);
        Server.Answer = c =>
        {
            if (c.Request.Headers["X-Process"] == "told")
            {
                c.Response.Headers["RateLimit-Remaining"] = "0";
                c.Response.Headers["RateLimit-Reset"] = "10";
            }

            return (200, null);
        };

        (await told.GetStatusAsync()).ShouldBe(200);

        await FleetProcess.EventuallyAsync(() => Held(other, time) > TimeSpan.FromSeconds(9), "the quota's reset published to the other process");
        other.Host.Pacing.Source.ShouldBe(WaitSource.RateLimit);
    }

    [Fact]
    public async Task WithoutTheStore_AnotherProcessesPause_IsNotSeen()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var told = Process("told", shared: false);
        await using var other = Process("other", shared: false, time);
        (await told.GetStatusAsync()).ShouldBe(200);
        (await other.GetStatusAsync()).ShouldBe(200);
        Server.Answer = c => c.Request.Headers["X-Process"] == "told" ? (429, "20") : (200, null);
        (await told.GetStatusAsync()).ShouldBe(429);

        (await NotHeldAsync(other)).ShouldBe(200);
    }

    [Fact]
    public async Task SharePausesOff_KeepsEachPauseInItsProcess()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var told = new FleetProcess("told", Server.Address, Redis.Configuration, o => o.Retry.MaxAttempts = 1, o => o.SharePauses = false);
        await using var other = new FleetProcess("other", Server.Address, Redis.Configuration, fleet: o => o.SharePauses = false, time: time);
        await WarmAsync(told, other);
        Server.Answer = c => c.Request.Headers["X-Process"] == "told" ? (429, "20") : (200, null);
        (await told.GetStatusAsync()).ShouldBe(429);
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();

        (await NotHeldAsync(other)).ShouldBe(200);

        Redis.Keys(look, "resilienthttp:pause:*").ShouldBeEmpty();
        Held(told, TimeProvider.System).ShouldBeGreaterThan(TimeSpan.FromSeconds(15), "the process told keeps its own pause");
    }

    [Fact]
    public async Task APauseKeptInTheStore_ReachesAProcessThatMissedItsMessage()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var told = Process("told", shared: true);
        await WarmAsync(told);
        Server.Answer = c => c.Request.Headers["X-Process"] == "told" ? (429, "20") : (200, null);
        (await told.GetStatusAsync()).ShouldBe(429);
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        RedisKey pause = FleetProcess.PauseKey(Server.Address);
        await FleetProcess.EventuallyAsync(() => look.GetDatabase().KeyTimeToLive(pause) is { } ttl && ttl > TimeSpan.FromSeconds(15), "the pause kept in Redis");

        // Joins after the message went out: its first report's answer carries the pause.
        await using var late = Process("late", shared: true, time);
        (await late.GetStatusAsync()).ShouldBe(200);

        await FleetProcess.EventuallyAsync(() => Held(late, time) > TimeSpan.FromSeconds(15), "the kept pause in the late process's answer");
        look.GetDatabase().KeyTimeToLive(pause).ShouldNotBeNull().ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(20), "the pause's key expires with the pause");
    }

    [Fact]
    public async Task AHostileMessageOnTheChannel_IsIgnored()
    {
        var time = new VirtualTime(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        await using var other = Process("other", shared: true, time);
        await WarmAsync(other);
        await using ConnectionMultiplexer look = await Redis.ConnectAsync();
        string authority = HostTable.FormatAuthority(Server.Address);
        RedisChannel channel = RedisChannel.Literal("resilienthttp:pauses");
        foreach (string message in new[] { "junk", "x\nr\n-5\n" + authority + "\napi", "x\nr\n99999999999999\n" + authority + "\napi", "x\nr\n1e9\n" + authority + "\napi", string.Empty })
        {
            await look.GetSubscriber().PublishAsync(channel, message);
        }

        await look.GetSubscriber().PublishAsync(channel, "x\nr\n5000\n" + authority + "\napi");

        await FleetProcess.EventuallyAsync(() => Held(other, time) > TimeSpan.Zero, "the one good message");
        Held(other, time).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
        (await time.RunAsync(other.GetStatusAsync())).ShouldBe(200);
    }

    // The other process's clock is never moved here: a call held by a pause on it could not end. Running it on the
    // clock instead would let a slow real round trip (a loaded machine) look like a wait, and move the clock past it.
    private static async Task<int> NotHeldAsync(FleetProcess process)
    {
        Task<int> call = process.GetStatusAsync();
        (await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)))).ShouldBe(call, "the call was held: it did not end within 30 s on a clock that never moved");
        return await call;
    }

    private static TimeSpan Held(FleetProcess process, TimeProvider time) =>
        process.Host.PacingIfAny?.Remaining(time.GetTimestamp(), time) ?? TimeSpan.Zero;

    private static async Task WarmAsync(params FleetProcess[] fleet)
    {
        foreach (FleetProcess process in fleet)
        {
            (await process.GetStatusAsync()).ShouldBe(200);
        }

        await FleetProcess.EventuallyAsync(
            () => fleet.All(p => p.Store.IsAvailable && p.Host.Fleet!.IsShared && (p.Store.IsSubscribed || !p.SharesPauses)),
            () => "every process connected, answered and subscribed: " + string.Join("; ", fleet.Select(p => p.State)));
    }

    // The process told of a pause makes one send per call: the test is about the others, not its own retry 20 s later.
    private FleetProcess Process(string name, bool shared, TimeProvider? time = null) =>
        new(name, Server.Address, shared ? Redis.Configuration : null, o => o.Retry.MaxAttempts = name == "told" ? 1 : 4, time: time);
}
