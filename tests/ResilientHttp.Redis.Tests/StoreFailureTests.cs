using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using System.Diagnostics;

namespace ResilientHttp.Redis.Tests;

/// <summary>Redis killed, hung and back while calls run: no call fails or waits on it, and the loss is said once.</summary>
public sealed class StoreFailureTests : RedisWorld
{
    private int _served;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // One request in 50 fails: retries are needed, and paid from the fleet's budget or, once Redis is gone, the local one.
        Server.Answer = _ => Interlocked.Increment(ref _served) % 50 == 0 ? (503, null) : (200, null);
    }

    [Fact]
    public async Task RedisKilledMidRun_NoCallFails_TheLossIsSaidOnce_AndSharingResumesWhenItIsBack()
    {
        FleetProcess[] fleet = [Process("a"), Process("b"), Process("c")];
        try
        {
            await RunAsync(fleet, 30);
            await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Store.IsAvailable && p.Host.Fleet!.IsShared), "every process shared");

            // Killed once a third of the run's calls are done: mid-run, however fast the machine.
            int done = 0;
            Task<TimeSpan> calls = RunAsync(fleet, 150, () => Interlocked.Increment(ref done));
            await FleetProcess.EventuallyAsync(() => Volatile.Read(ref done) >= 300, "a third of the calls done");
            await Redis.KillAsync();
            int atKill = Volatile.Read(ref done);
            (await calls).ShouldBeLessThan(TimeSpan.FromSeconds(2), "the slowest call");
            atKill.ShouldBeLessThan(900, "Redis died while calls were running");

            await FleetProcess.EventuallyAsync(() => fleet.All(p => !p.Host.Fleet!.IsShared), "every process local");
            (await RunAsync(fleet, 60)).ShouldBeLessThan(TimeSpan.FromSeconds(2), "the slowest call with Redis gone");
            foreach (FleetProcess process in fleet)
            {
                process.Logged("FleetStoreUnavailable").ShouldBe(1, process.Name);
                process.Unavailable.GetMeasurementSnapshot().EvaluateAsCounter().ShouldBe(1, process.Name);
                process.Logged("FleetStoreRestored").ShouldBe(0, process.Name);
            }

            await Redis.RestartAsync();
            await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Store.IsAvailable), "every process reconnected", seconds: 60);
            await RunAsync(fleet, 30);
            await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Host.Fleet!.IsShared), "every process shared again");
            foreach (FleetProcess process in fleet)
            {
                process.Logged("FleetStoreRestored").ShouldBe(1, process.Name);
                process.Logged("FleetStoreUnavailable").ShouldBe(1, process.Name);
            }
        }
        finally
        {
            foreach (FleetProcess process in fleet)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RedisHanging_NoCallWaitsForIt_AndTheStoreTimesOutOnce()
    {
        FleetProcess[] fleet = [Process("a"), Process("b")];
        try
        {
            await RunAsync(fleet, 30);
            await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Store.IsAvailable && p.Host.Fleet!.IsShared), "every process shared");

            Redis.Hang();
            TimeSpan slowest = await RunAsync(fleet, 150);
            await FleetProcess.EventuallyAsync(() => fleet.All(p => !p.Host.Fleet!.IsShared), "every process local");

            slowest.ShouldBeLessThan(TimeSpan.FromSeconds(2), "no call waited on the hung Redis");
            foreach (FleetProcess process in fleet)
            {
                process.Logs.Collector.GetSnapshot().Single(r => r.Id.Name == "FleetStoreUnavailable").Message.ShouldContain("no answer within 1000 ms");
            }

            Redis.Resume();
            await FleetProcess.EventuallyAsync(() => fleet.All(p => p.Store.IsAvailable), "every process answered again");
            fleet.ShouldAllBe(p => p.Logged("FleetStoreRestored") == 1);
        }
        finally
        {
            Redis.Resume();
            foreach (FleetProcess process in fleet)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RedisDownFromTheStart_CallsRunOnTheLocalBudget()
    {
        await Redis.KillAsync();
        await using FleetProcess process = Process("alone");

        (await RunAsync([process], 100)).ShouldBeLessThan(TimeSpan.FromSeconds(2));

        await FleetProcess.EventuallyAsync(() => process.Logged("FleetStoreUnavailable") == 1, "the loss said");
        process.Host.Fleet!.IsShared.ShouldBeFalse();
        process.Logged("FleetStoreUnavailable").ShouldBe(1);
    }

    // Each process runs two callers, each making `calls` calls; every call must succeed. Returns the slowest call.
    private static async Task<TimeSpan> RunAsync(FleetProcess[] fleet, int calls, Action? done = null)
    {
        long slowest = 0;
        await Task.WhenAll(fleet.SelectMany(p => Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < calls; i++)
            {
                long start = Stopwatch.GetTimestamp();
                (await p.GetStatusAsync()).ShouldBe(200, $"{p.Name}'s call {i}");
                done?.Invoke();
                long took = Stopwatch.GetTimestamp() - start;
                long seen;
                while (took > (seen = Interlocked.Read(ref slowest)) && Interlocked.CompareExchange(ref slowest, took, seen) != seen)
                {
                }
            }
        }))));
        return Stopwatch.GetElapsedTime(0, slowest);
    }

    [Fact]
    public async Task TheApplicationsConnection_DisposedFirst_FailsNoCall()
    {
        ConnectionMultiplexer connection = await Redis.ConnectAsync();
        await using var process = new FleetProcess("p", Server.Address, null, o => o.Retry.MaxAttempts = 1, connection: connection);
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Store.IsAvailable, "the store connected");
        await connection.DisposeAsync();
        Server.Answer = _ => (429, "5");

        // The pause is recorded and published (or not) on the caller's thread: the call gets its 429, nothing thrown.
        (await process.GetStatusAsync()).ShouldBe(429);
        (await process.GetStatusAsync()).ShouldBe(429);
    }

    private FleetProcess Process(string name) =>
        new(name, Server.Address, Redis.Configuration, fleet: o => o.LeaseSize = 4);
}
