namespace ResilientHttp.Demo;

/// <summary>One line of a scenario's timeline: what the server saw, or what the library decided and logged.</summary>
internal sealed record TimelineEntry(TimeSpan At, string Who, string Text, Tone Tone);
