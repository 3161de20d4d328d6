using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ResilientHttp;

/// <summary>R6: makes sure every attempt can send the same complete body.</summary>
internal static class RequestBody
{
    /// <summary>
    /// Leaves a body that can be serialized again as it is; buffers one that cannot (a stream) up to
    /// <paramref name="maxBytes"/>. A larger body is replaced by an equivalent one-shot content that sends
    /// every byte once.
    /// </summary>
    /// <returns><see langword="true"/> when every attempt can send the whole body.</returns>
    public static async ValueTask<bool> MakeReplayableAsync(HttpRequestMessage request, long maxBytes, CancellationToken cancellationToken)
    {
        HttpContent? content = request.Content;
        if (content is null || CanReplay(content))
        {
            return true;
        }

        if (content.Headers.ContentLength > maxBytes)
        {
            return false;
        }

        if (content is not (StreamContent or MultipartContent))
        {
            // Other contents may build their whole body in memory when asked for a stream; only one
            // whose length is known to fit is buffered. The rest is sent once, untouched.
            if (content.Headers.ContentLength is null)
            {
                return false;
            }

            await content.LoadIntoBufferAsync(maxBytes, cancellationToken).ConfigureAwait(false);
            return true;
        }

        Stream source = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        int limit = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        byte[] buffer = new byte[(int)Math.Min(limit, content.Headers.ContentLength is long known ? known + 1 : 81920)];
        int length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            int read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                var buffered = new ByteArrayContent(buffer, 0, length);
                CopyHeaders(content, buffered);
                request.Content = buffered;
                content.Dispose();
                return true;
            }

            length += read;
        }

        // Over the limit: what was read goes first, then the rest of the original stream, once.
        var oneShot = new StreamContent(new PrefixedStream(buffer, length, source));
        CopyHeaders(content, oneShot);
        request.Content = oneShot;
        return false;
    }

    /// <summary>Whether serializing the content again yields the same bytes without buffering.</summary>
    public static bool CanReplay(HttpContent content) => content switch
    {
        ByteArrayContent or ReadOnlyMemoryContent or JsonContent => true,
        MultipartContent multipart => multipart.All(CanReplay),
        _ => false,
    };

    private static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (KeyValuePair<string, HeaderStringValues> header in from.Headers.NonValidated)
        {
            to.Headers.Remove(header.Key);
            to.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }
}
