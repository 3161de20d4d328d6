using ResilientHttp.Tests;

namespace ResilientHttp.Interop.Tests;

/// <summary>A real Kestrel upstream on loopback that answers every request with one status and counts what reaches it.</summary>
internal sealed class Upstream : IAsyncDisposable
{
    private KestrelServer _server = null!;
    private int _requests;

    private Upstream()
    {
    }

    public Uri Address => _server.Address;

    /// <summary>Gets the requests that reached the server, every attempt of every layer included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<Upstream> StartAsync(int status)
    {
        var upstream = new Upstream();
        upstream._server = await KestrelServer.StartAsync(context =>
        {
            Interlocked.Increment(ref upstream._requests);
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        return upstream;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
