namespace ResilientHttp.Demo;

/// <summary>One thing the library promises, played against the fault server.</summary>
/// <param name="Name">The name given to <c>--scenario</c>.</param>
/// <param name="Title">What it shows.</param>
/// <param name="RunAsync">Plays it and returns the verdict: did the library behave as promised, and the one-line summary.</param>
internal sealed record Scenario(string Name, string Title, Func<DemoContext, Task<(bool Passed, string Verdict)>> RunAsync);
