using StackExchange.Redis;

namespace ResilientHttp.Redis.Tests;

/// <summary>The script Redis runs is <see cref="FleetBucket"/>'s arithmetic, step for step, and its keys expire.</summary>
public sealed class FleetScriptTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await _redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData(null, 0.1, 0, 3)]      // a bucket Redis does not hold starts full
    [InlineData(null, 0, 2, 3)]
    [InlineData(2.5, 0.7, 0, 3)]       // earnings stop at the capacity
    [InlineData(3.0, 2.0, 3, 3)]       // the spending first: the same batch's earnings pay for it
    [InlineData(1.0, 0, 9, 3)]         // the debt stops at −capacity
    [InlineData(-3.0, 0.35, 0, 3)]
    [InlineData(0.4, 0.3, 1, 10)]
    public async Task Report_ComputesWhatFleetBucketComputes(double? balance, double earned, int spent, int capacity)
    {
        RedisKey bucket = $"test:budget:{Guid.NewGuid():N}";
        IDatabase database = _connection.GetDatabase();
        if (balance is { } held)
        {
            await database.StringSetAsync(bucket, held.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        RedisResult[] answer = (RedisResult[])(await database.ScriptEvaluateAsync(FleetScripts.Report, new
        {
            bucket,
            pause = (RedisKey)"test:no-pause",
            earned,
            spent,
            capacity,
            lifetime = 60_000L,
        }))!;

        double expected = FleetBucket.Apply(balance, new FleetReport(earned, spent), capacity);
        double.Parse((string)answer[0]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected, 0.000001);
        ((long)answer[1]).ShouldBeLessThan(0, "no pause kept");
        (await database.KeyTimeToLiveAsync(bucket)).ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Pause_KeepsTheLongerPause_AndExpiresWithIt()
    {
        RedisKey pause = $"test:pause:{Guid.NewGuid():N}";
        IDatabase database = _connection.GetDatabase();

        await database.ScriptEvaluateAsync(FleetScripts.Pause, new { pause, milliseconds = 20_000L, slack = 1000L, channel = "test:pauses", message = "m" });
        await database.ScriptEvaluateAsync(FleetScripts.Pause, new { pause, milliseconds = 5_000L, slack = 1000L, channel = "test:pauses", message = "m" });

        (await database.KeyTimeToLiveAsync(pause)).ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), "the longer pause kept");
        await database.ScriptEvaluateAsync(FleetScripts.Pause, new { pause, milliseconds = 40_000L, slack = 1000L, channel = "test:pauses", message = "m" });
        (await database.KeyTimeToLiveAsync(pause)).ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), "a pause longer by more than the slack replaces it");
    }

    [Fact]
    public async Task EveryKeyAFleetWrites_Expires()
    {
        await using UpstreamServer server = await UpstreamServer.StartAsync();
        await using var process = new FleetProcess("p", server.Address, _redis.Configuration, o => o.Retry.MaxAttempts = 1, o => o.KeyLifetime = TimeSpan.FromMinutes(3));
        server.Answer = c => c.Request.Path == "/limited" ? (429, "7") : (200, null);
        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Store.IsAvailable, "the store connected");
        await process.GetStatusAsync("limited");
        await FleetProcess.EventuallyAsync(() => _redis.Keys(_connection, "resilienthttp:*").Count() >= 2, "the budget and the pause written");

        foreach (RedisKey key in _redis.Keys(_connection, "resilienthttp:*"))
        {
            TimeSpan? ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(key);
            ttl.ShouldNotBeNull($"{key} expires");
            ttl.Value.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(3), key.ToString());
        }
    }
}
