namespace ResilientHttp.Redis.Tests;

/// <summary>What each test of a fleet over Redis starts with: a redis-server of its own and a Kestrel server, both on loopback.</summary>
public abstract class RedisWorld : IAsyncLifetime
{
    /// <summary>Gets the test's redis-server, which it may kill, hang and restart.</summary>
    internal RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets the server the fleet's clients call.</summary>
    internal UpstreamServer Server { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Server = await UpstreamServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
