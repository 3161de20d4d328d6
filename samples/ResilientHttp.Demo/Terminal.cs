namespace ResilientHttp.Demo;

/// <summary>Writes lines, coloured when the output is an interactive terminal that wants colour.</summary>
internal sealed class Terminal(TextWriter output, bool colour)
{
    public static bool SupportsColour(TextWriter output) =>
        output == Console.Out && !Console.IsOutputRedirected &&
        Environment.GetEnvironmentVariable("NO_COLOR") is null &&
        Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    public void Line(string text = "", Tone tone = Tone.Plain) =>
        output.WriteLine(colour && tone != Tone.Plain ? $"\u001b[{Code(tone)}m{text}\u001b[0m" : text);

    private static string Code(Tone tone) => tone switch
    {
        Tone.Title => "1;36",
        Tone.Good => "32",
        Tone.Bad => "31",
        Tone.Warn => "33",
        Tone.Dim => "2",
        _ => "0",
    };
}
