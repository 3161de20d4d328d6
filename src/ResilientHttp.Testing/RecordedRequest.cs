namespace ResilientHttp.Testing;

/// <summary>One send as the network would have seen it, recorded by a <see cref="FaultScript"/>.</summary>
/// <param name="At">When it was sent, on the script's clock, counted from the script's creation.</param>
/// <param name="Method">The method.</param>
/// <param name="Uri">The absolute URI.</param>
/// <param name="Headers">The request and content headers, each one's values joined with commas; names compared ignoring case.</param>
/// <param name="BodyLength">The body's length in bytes, or <see langword="null"/> without a body.</param>
/// <param name="BodySha256">The body's SHA-256 in upper-case hex, or <see langword="null"/> without a body: equal hashes mean the same bytes were sent.</param>
/// <param name="Answer">The scripted answer it got, described (such as <c>503 Retry-After: 5</c>).</param>
public sealed record RecordedRequest(TimeSpan At, HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, long? BodyLength, string? BodySha256, string Answer)
{
    /// <summary>Gets a header's value, or <see langword="null"/> when the request did not carry it.</summary>
    /// <param name="name">The header's name.</param>
    /// <returns>The value, values joined with commas.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
