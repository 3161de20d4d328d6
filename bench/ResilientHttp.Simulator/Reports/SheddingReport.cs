using System.Globalization;
using System.Text;

namespace ResilientHttp.Simulator;

/// <summary>
/// The brown-out against a shedding server, next to the same brown-out against the FIFO server: its section of
/// docs/fleet-safety.md and its chart. Each shedding run is paired with the run of the same policy in the same world
/// (same seed, same calls) without shedding.
/// </summary>
internal sealed class SheddingReport
{
    private const int ChartClients = 1_000;
    private const double ChartLoad = 0.7;
    private const int ChartOutage = 30;

    private readonly IReadOnlyList<FleetOutageResult> _shedding;
    private readonly Dictionary<(FleetOutageSettings, string), FleetOutageResult> _byWorld;

    /// <param name="fleet">Every fleet run (the FIFO brown-outs among them).</param>
    /// <param name="shedding">The runs against the shedding server.</param>
    public SheddingReport(IReadOnlyList<FleetOutageResult> fleet, IReadOnlyList<FleetOutageResult> shedding)
    {
        _shedding = shedding;
        _byWorld = fleet.Concat(shedding).ToDictionary(r => (r.Settings, r.Policy));
    }

    /// <summary>Gets the file name of the chart under img/.</summary>
    public const string ChartFile = "goodput-brownout-shedding.svg";

    /// <summary>Gets whether there is anything to report.</summary>
    public bool IsEmpty => _shedding.Count == 0;

    /// <summary>Gets the same policy in the same world against the FIFO server.</summary>
    public FleetOutageResult Fifo(FleetOutageResult shed) => _byWorld[(shed.Settings with { Shedding = false }, shed.Policy)];

    /// <summary>Gets the result of a policy in a world.</summary>
    public FleetOutageResult Of(FleetOutageSettings world, string policy) => _byWorld[(world, policy)];

    /// <summary>Appends the section.</summary>
    public void Write(StringBuilder md)
    {
        void Line(string text = "") => md.Append(text).Append('\n');

        FleetOutageSettings[] worlds = [.. _shedding.Select(r => r.Settings).Distinct()];
        string[] policies = [.. _shedding.Select(r => r.Policy).Distinct()];
        Line("## Brown-out with a shedding server");
        Line();
        Line("The brown-outs again, with the same calls at the same moments, against a server that sheds: every attempt carries");
        Line("its sender's remaining time (`Request-Timeout-Ms`: the attempt timeout, or the call's deadline when sooner, in whole");
        Line("milliseconds), which the server counts from the attempt's arrival, as `app.UseRequestDeadline()` does. When the worker");
        Line("takes an attempt off the queue after that time ran out, it answers 503 for a fiftieth of a service time instead of");
        Line("serving it. Everything else is the FIFO server above. **Wasted** is still the share of the server's work in the window");
        Line("spent on attempts whose sender had given up; against the shedding server it is made of the sheds themselves");
        Line("(*of which shedding*) and of attempts taken off the queue just before their deadline, whose answers arrive after it.");
        Line();
        Line("Median over N and λ for each outage length, the worst in brackets; each cell: FIFO → shedding.");
        Line();
        Line("| T | policy | success | recovery | amplification | wasted | of which shedding |");
        Line("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (int t in worlds.Select(w => w.OutageSeconds).Distinct().Order())
        {
            foreach (string policy in policies)
            {
                FleetOutageResult[] shed = [.. _shedding.Where(r => r.Policy == policy && r.Settings.OutageSeconds == t)];
                FleetOutageResult[] fifo = [.. shed.Select(Fifo)];
                Line(Invariant($"| {t} s | {policy} ") +
                     $"| {Format.Percent(MarkdownReport.Median(fifo, r => r.SuccessFraction))} → {Format.Percent(MarkdownReport.Median(shed, r => r.SuccessFraction))} " +
                     $"| {Format.Seconds(MarkdownReport.Median(fifo, r => r.RecoverySeconds))} ({Format.Seconds(fifo.Max(r => r.RecoverySeconds))}) → {Format.Seconds(MarkdownReport.Median(shed, r => r.RecoverySeconds))} ({Format.Seconds(shed.Max(r => r.RecoverySeconds))}) " +
                     $"| {Format.Ratio(MarkdownReport.Median(fifo, r => r.Amplification))} → {Format.Ratio(MarkdownReport.Median(shed, r => r.Amplification))} " +
                     $"| {Format.Percent(MarkdownReport.Median(fifo, r => r.WastedFraction))} ({Format.Percent(fifo.Max(r => r.WastedFraction))}) → {Format.Percent(MarkdownReport.Median(shed, r => r.WastedFraction))} ({Format.Percent(shed.Max(r => r.WastedFraction))}) " +
                     $"| {Format.Percent(MarkdownReport.Median(shed, r => r.ShedFraction))} |");
            }
        }

        Line();
        GoalsLine(md, worlds);
        Line($"![goodput, brown-out, FIFO and shedding](img/{ChartFile})");
        Line();
        Line("### World by world");
        Line();
        Line("Each cell: FIFO / shedding.");
        Line();
        Line("| N | λ | T | policy | success | recovery | amplification | wasted | of which shedding |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (FleetOutageResult shed in _shedding)
        {
            FleetOutageSettings s = shed.Settings;
            FleetOutageResult fifo = Fifo(shed);
            Line(Invariant($"| {s.Clients:N0} | {s.Load} | {s.OutageSeconds} s | {shed.Policy} ") +
                 $"| {Format.Percent(fifo.SuccessFraction)} / {Format.Percent(shed.SuccessFraction)} " +
                 $"| {Format.Seconds(fifo.RecoverySeconds)} / {Format.Seconds(shed.RecoverySeconds)} " +
                 $"| {Format.Ratio(fifo.Amplification)} / {Format.Ratio(shed.Amplification)} " +
                 $"| {Format.Percent(fifo.WastedFraction)} / {Format.Percent(shed.WastedFraction)} " +
                 $"| {Format.Percent(shed.ShedFraction)} |");
        }

        Line();
    }

    /// <summary>Writes the chart: goodput of each policy against both servers in one world.</summary>
    public void WriteChart(string images)
    {
        FleetOutageResult[] shed = [.. _shedding.Where(r => r.Settings is { Clients: ChartClients, Load: ChartLoad, OutageSeconds: ChartOutage })];
        if (shed.Length == 0)
        {
            return;
        }

        FleetOutageSettings s = shed[0].Settings;
        (double, string)[] marks = [(s.OutageStartSecond, "outage"), (s.OutageEndSecond, "end")];
        File.WriteAllText(Path.Combine(images, ChartFile), SvgChart.Render(
            Invariant($"Goodput: N = {s.Clients:N0}, λ = {s.Load} C, T = {s.OutageSeconds} s, brown-out, FIFO and shedding"),
            "time (s)",
            "successful answers per second ÷ C",
            1,
            [.. shed.SelectMany(r => new (string, IReadOnlyList<double>)[] { ($"{r.Policy}, FIFO", Fifo(r).Goodput), ($"{r.Policy}, shedding", r.Goodput) })],
            marks));
    }

    // The per-world goals for the defaults, judged against no retries on the same server, FIFO and shedding.
    private void GoalsLine(StringBuilder md, FleetOutageSettings[] worlds)
    {
        FleetOutageSettings[] local = [.. worlds.Where(w => w.Clients <= WorldGoal.LocalFleetLimit)];
        if (local.Length == 0 || !_shedding.Any(r => r.Policy == Policies.LibraryDefaultsName) || !_shedding.Any(r => r.Policy == Policies.NoRetriesName))
        {
            return;
        }

        int Met(bool shedding, WorldGoal? only) => local.Count(w =>
        {
            FleetOutageSettings world = w with { Shedding = shedding };
            FleetOutageResult ours = Of(world, Policies.LibraryDefaultsName);
            FleetOutageResult none = Of(world, Policies.NoRetriesName);
            return (only is null ? WorldGoal.All : [only]).Where(g => g.Applies(world)).All(g => g.IsMet(ours, none));
        });

        md.Append(CultureInfo.InvariantCulture, $"*Library defaults* against *no retries* on the same server, in the {local.Length} brown-outs with N ≤ 1,000 (FIFO → shedding): ");
        md.Append(string.Join("; ", WorldGoal.All.Where(g => local.Any(g.Applies)).Select(g => $"{g.Name}: {Met(false, g)} → {Met(true, g)}")));
        md.Append(CultureInfo.InvariantCulture, $"; **every goal: {Met(false, null)} → {Met(true, null)}**.\n\n");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
