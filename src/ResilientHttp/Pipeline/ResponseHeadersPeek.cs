using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace ResilientHttp;

/// <summary>
/// Tells whether a response has any headers without making it allocate a header collection:
/// <see cref="HttpResponseMessage.Headers"/> creates one on first access (a response built in memory, by a test
/// handler or a cache, may have none), so its private field is looked at first. A response read from the network
/// always has its collection. Should a future runtime rename that field, this answers "maybe" (true).
/// </summary>
internal static class ResponseHeadersPeek
{
    private static bool s_canPeek = true;

    /// <summary>Gets whether <paramref name="response"/> may have headers: false only when it has no header collection at all.</summary>
    public static bool MayHaveHeaders(HttpResponseMessage response)
    {
        if (s_canPeek)
        {
            try
            {
                return HeadersField(response) is not null;
            }
            catch (MissingFieldException)
            {
                s_canPeek = false;
            }
        }

        return true;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_headers")]
    private static extern ref HttpResponseHeaders? HeadersField(HttpResponseMessage response);
}
