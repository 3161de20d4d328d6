namespace ResilientHttp;

/// <summary>
/// What the retry handler tells the breaker handler right behind it about the attempt it is sending: the
/// host (looked up once per call) and the attempt's cancellation, which tells an attempt timeout from
/// the caller's cancellation. Passed on the thread that makes the call: the breaker's
/// <c>SendAsync</c> runs synchronously inside the retry handler's <c>base.SendAsync</c>, and reads it before
/// its first await. No allocation, no dictionary on the request.
/// </summary>
internal static class AttemptHandoff
{
    [ThreadStatic]
    private static HttpRequestMessage? t_request;

    [ThreadStatic]
    private static HostState? t_host;

    [ThreadStatic]
    private static AttemptScope t_scope;

    public static void Set(HttpRequestMessage request, HostState host, in AttemptScope scope)
    {
        t_request = request;
        t_host = host;
        t_scope = scope;
    }

    public static void Clear()
    {
        t_request = null;
        t_host = null;
        t_scope = default;
    }

    /// <summary>Takes what was handed over for <paramref name="request"/>, if anything was.</summary>
    public static bool TryTake(HttpRequestMessage request, out HostState host, out AttemptScope scope)
    {
        if (ReferenceEquals(t_request, request) && t_host is { } handed)
        {
            host = handed;
            scope = t_scope;
            return true;
        }

        host = null!;
        scope = default;
        return false;
    }
}
