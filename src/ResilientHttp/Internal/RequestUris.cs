namespace ResilientHttp;

/// <summary>The request URI both handlers need: absolute, or a clear error.</summary>
internal static class RequestUris
{
    public static Uri RequireAbsolute(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri
            ? uri
            : throw new InvalidOperationException(
                $"ResilientHttp needs an absolute request URI to know which host it calls, but the request has '{request.RequestUri}'. Set HttpClient.BaseAddress or use an absolute URI.");
}
