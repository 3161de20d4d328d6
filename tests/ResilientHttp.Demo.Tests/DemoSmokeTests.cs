namespace ResilientHttp.Demo.Tests;

/// <summary>The demo doubles as a smoke test: it exits 0 only when every scenario behaved as the library promises.</summary>
public sealed class DemoSmokeTests
{
    [Fact]
    public async Task Run_Fast_EveryScenarioPassesAndTheExitCodeIsZero()
    {
        using var output = new StringWriter();

        int exitCode = await DemoApp.RunAsync(["--fast"], output);

        string text = output.ToString();
        exitCode.ShouldBe(0, text);
        foreach (Scenario scenario in Scenarios.All)
        {
            text.ShouldContain($"== {scenario.Name}:");
        }

        text.ShouldNotContain("  FAIL: ", Case.Sensitive);
        text.ShouldNotContain("\u001b[", customMessage: "redirected output must be plain text");
    }

    [Fact]
    public async Task Run_Quota_TwentyCallsWaitForEachResetAndNoneIsAnswered429()
    {
        using var output = new StringWriter();

        int exitCode = await DemoApp.RunAsync(["--fast", "--scenario", "quota"], output);

        string text = output.ToString();
        string[] lines = text.Split('\n', StringSplitOptions.TrimEntries);
        string[] served = lines.Where(l => l.Contains("server   GET /quota ->", StringComparison.Ordinal)).ToArray();
        exitCode.ShouldBe(0, text);
        served.Count(l => l.Contains("-> 200", StringComparison.Ordinal)).ShouldBe(20, text);
        served.ShouldNotContain(l => l.Contains("-> 429", StringComparison.Ordinal), text);
        lines.Count(l => l.Contains("library  waits", StringComparison.Ordinal) && l.EndsWith("the host asked for a pause (rate limit)", StringComparison.Ordinal))
            .ShouldBeGreaterThanOrEqualTo(3, text);

        // 5 calls per 1 s window in --fast: the 20th is in the fourth window, three resets after the first call.
        (At(served[^1]) - At(served[0])).ShouldBeGreaterThan(2.9, text);
        text.ShouldContain("PASS: 20 calls, 20 succeeded, 0 answered 429", Case.Sensitive);
    }

    [Fact]
    public async Task Run_UnknownScenario_ExitsNonZero()
    {
        using var output = new StringWriter();

        (await DemoApp.RunAsync(["--scenario", "nope"], output)).ShouldNotBe(0);
    }

    // The seconds at the start of a timeline line: "+ 1.234s  server ...".
    private static double At(string line) =>
        double.Parse(line.TrimStart('+', ' ').Split('s')[0], System.Globalization.CultureInfo.InvariantCulture);
}
