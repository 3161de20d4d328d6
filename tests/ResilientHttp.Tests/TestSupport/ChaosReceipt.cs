namespace ResilientHttp.Tests;

/// <summary>One request as the chaos server received it, and how it was answered.</summary>
/// <param name="Method">The request method.</param>
/// <param name="Path">The request path.</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header, or <see langword="null"/>.</param>
/// <param name="BodyHash">The SHA-256 of the whole body received, hex.</param>
/// <param name="Fault">How the server answered.</param>
internal sealed record ChaosReceipt(string Method, string Path, string? IdempotencyKey, string BodyHash, ChaosFault Fault);
