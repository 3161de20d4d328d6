namespace ResilientHttp.Benchmarks;

/// <summary>A delegating handler that does nothing: the floor every resilience layer is compared with.</summary>
internal sealed class NoOpHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
