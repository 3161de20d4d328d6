namespace ResilientHttp;

/// <summary>
/// What the retry handler tells the breaker handler about the call in flight, through the request's
/// options: the host's state (looked up once per call) and the caller's own token, which tells the
/// caller's cancellation from an attempt timeout.
/// </summary>
internal sealed class CallContext(HostState host, CancellationToken callerToken)
{
    public static readonly HttpRequestOptionsKey<CallContext> Key = new("ResilientHttp.CallContext");

    public HostState Host { get; } = host;

    public CancellationToken CallerToken { get; } = callerToken;
}
