using System.Net;

namespace ResilientHttp.Benchmarks;

/// <summary>The in-memory primary handler every row calls through: answers 200, or 503 on every other call.</summary>
internal sealed class StubHandler(bool alternate503 = false, bool always503 = false) : HttpMessageHandler
{
    private long _calls;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool fail = always503 || (alternate503 && (Interlocked.Increment(ref _calls) & 1) == 1);
        return Task.FromResult(new HttpResponseMessage(fail ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));
    }
}
