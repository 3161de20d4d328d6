namespace ResilientHttp.Tests;

/// <summary>What a soak run leaves for the checks made after it: its report, the rules it broke and its memory figures.</summary>
internal sealed record SoakResult(string Report, IReadOnlyList<string> Failures, long MemoryBefore, long MemoryAtEnd, long MemoryLive);
