namespace ResilientHttp;

/// <summary>
/// When a request whose method is not idempotent (POST, PATCH, any non-standard method) may be retried.
/// </summary>
/// <remarks>
/// Whatever the setting, a request that provably never reached the server (name resolution failed
/// or the connection was refused) may be retried.
/// </remarks>
public enum UnsafeMethodRetry
{
    /// <summary>Never retried, unless the connection could not be made.</summary>
    Never = 0,

    /// <summary>Retried only when the request carries the idempotency key header.</summary>
    IfIdempotencyKey = 1,

    /// <summary>Retried like an idempotent request. Only for servers known to deduplicate.</summary>
    Always = 2,
}
