namespace ResilientHttp.Demo;

/// <summary>
/// Plays each scenario against a fault-injecting Kestrel server on loopback and prints its timeline and
/// verdict. Exits 0 when the library behaved as promised in every scenario played.
/// </summary>
internal static class DemoApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var terminal = new Terminal(output, Terminal.SupportsColour(output));
        if (args.Contains("--help") || args.Contains("-h"))
        {
            terminal.Line("usage: ResilientHttp.Demo [--fast] [--scenario NAME] [--list]");
            return 0;
        }

        if (args.Contains("--list"))
        {
            foreach (Scenario s in Scenarios.All)
            {
                terminal.Line($"{s.Name,-14} {s.Title}");
            }

            return 0;
        }

        bool fast = args.Contains("--fast");
        int named = Array.IndexOf(args, "--scenario");
        IReadOnlyList<Scenario> chosen = Scenarios.All;
        if (named >= 0)
        {
            string? name = named + 1 < args.Length ? args[named + 1] : null;
            chosen = Scenarios.All.Where(s => s.Name == name).ToList();
            if (chosen.Count == 0)
            {
                terminal.Line($"Unknown scenario '{name}'. Run with --list to see them.", Tone.Bad);
                return 2;
            }
        }

        var timeline = new Timeline();
        await using FaultServer server = await FaultServer.StartAsync(timeline);
        terminal.Line($"ResilientHttp demo: a fault-injecting server on {server.Address}{(fast ? " (--fast: waits scaled down)" : string.Empty)}", Tone.Title);
        var total = System.Diagnostics.Stopwatch.StartNew();
        int failures = 0;
        foreach (Scenario scenario in chosen)
        {
            terminal.Line();
            terminal.Line($"== {scenario.Name}: {scenario.Title}", Tone.Title);
            timeline.Restart();
            (bool passed, string verdict) result;
            await using (var context = new DemoContext(server, timeline, fast))
            {
                try
                {
                    result = await scenario.RunAsync(context);
                }
                catch (Exception ex)
                {
                    result = (false, $"threw {ex.GetType().Name}: {ex.Message}");
                }
            }

            foreach (TimelineEntry entry in timeline.Entries)
            {
                terminal.Line($"  +{entry.At.TotalSeconds,6:0.000}s  {entry.Who,-8} {entry.Text}", entry.Tone);
            }

            failures += result.passed ? 0 : 1;
            terminal.Line($"  {(result.passed ? "PASS" : "FAIL")}: {result.verdict}", result.passed ? Tone.Good : Tone.Bad);
        }

        terminal.Line();
        terminal.Line(
            failures == 0 ? $"All {chosen.Count} scenarios behaved as promised ({total.Elapsed.TotalSeconds:0.0} s)." : $"{failures} of {chosen.Count} scenarios did not behave as promised.",
            failures == 0 ? Tone.Good : Tone.Bad);
        return failures == 0 ? 0 : 1;
    }
}
