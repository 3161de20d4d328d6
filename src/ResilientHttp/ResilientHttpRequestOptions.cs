namespace ResilientHttp;

/// <summary>Keys of <see cref="HttpRequestMessage.Options"/> that change how one call is handled.</summary>
/// <example>
/// <code>
/// var request = new HttpRequestMessage(HttpMethod.Post, "/payments");
/// request.Options.Set(ResilientHttpRequestOptions.Idempotent, true);
/// </code>
/// </example>
public static class ResilientHttpRequestOptions
{
    /// <summary>Gets the key that, set to <see langword="true"/>, sends the call once: no retry.</summary>
    public static HttpRequestOptionsKey<bool> DisableRetries { get; } = new("ResilientHttp.DisableRetries");

    /// <summary>
    /// Gets the key that, set to <see langword="true"/>, declares the call idempotent whatever its method,
    /// so that a POST or PATCH may be retried like a PUT.
    /// </summary>
    public static HttpRequestOptionsKey<bool> Idempotent { get; } = new("ResilientHttp.Idempotent");
}
