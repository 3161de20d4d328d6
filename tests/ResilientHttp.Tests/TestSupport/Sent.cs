namespace ResilientHttp.Tests;

/// <summary>One request as the network would have seen it.</summary>
internal sealed record Sent(TimeSpan At, HttpMethod Method, Uri Uri, string? Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
