namespace ResilientHttp.Interop.Tests;

/// <summary>A handler that is no resilience layer: it counts what passes through it.</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private int _sends;

    public int Sends => Volatile.Read(ref _sends);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        return base.SendAsync(request, cancellationToken);
    }
}
