using System.Runtime.CompilerServices;

namespace ResilientHttp;

/// <summary>
/// Reads the per-call keys (K4) without making every request allocate an options dictionary:
/// <see cref="HttpRequestMessage.Options"/> creates one on first access, so its private field is looked at
/// first. Should a future runtime rename that field, this falls back to the public property.
/// </summary>
internal static class RequestOptionsPeek
{
    private static bool s_canPeek = true;

    public static bool IsSet(HttpRequestMessage request, HttpRequestOptionsKey<bool> key)
    {
        if (s_canPeek)
        {
            try
            {
                if (OptionsField(request) is null)
                {
                    return false;
                }
            }
            catch (MissingFieldException)
            {
                s_canPeek = false;
            }
        }

        return request.Options.TryGetValue(key, out bool value) && value;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_options")]
    private static extern ref HttpRequestOptions? OptionsField(HttpRequestMessage request);
}
