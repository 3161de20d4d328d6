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
    public async Task Run_UnknownScenario_ExitsNonZero()
    {
        using var output = new StringWriter();

        (await DemoApp.RunAsync(["--scenario", "nope"], output)).ShouldNotBe(0);
    }
}
