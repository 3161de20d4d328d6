
namespace ResilientHttp.Tests;

/// <summary>The primary handler of unit tests: records every request that reaches "the network", then lets MockHttp answer.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner, TestTimeProvider time, DateTimeOffset start) : DelegatingHandler(inner)
{
    private readonly List<Sent> _sent = [];

    /// <summary>Gets or sets an answer that replaces MockHttp's, for servers that hang until cancelled.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Override { get; set; }

    public IReadOnlyList<Sent> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToList();
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content?.ReadAsStringAsync(cancellationToken).GetAwaiter().GetResult();
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        lock (_sent)
        {
            _sent.Add(new Sent(time.GetUtcNow() - start, request.Method, request.RequestUri!, body, headers));
        }

        if (Override is { } answer)
        {
            return await answer(request, cancellationToken).ConfigureAwait(false);
        }

        // MockHttp answers on another thread; waiting for it here keeps every step of a unit test on
        // the thread that moved the fake clock, so the clock never runs ahead of the code under test.
        return base.SendAsync(request, cancellationToken).GetAwaiter().GetResult();
    }
}
