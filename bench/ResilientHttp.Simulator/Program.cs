using System.Diagnostics;
using System.Globalization;

using ResilientHttp.Simulator;

// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --out docs [--seed 20261129] [--capacity 1000] [--parallel 2]
string output = "docs";
ulong seed = 20261129;
double capacity = 1000;
int parallelism = Environment.ProcessorCount;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--out":
            output = args[i + 1];
            break;
        case "--seed":
            seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--capacity":
            capacity = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--parallel":
            parallelism = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Options: --out DIR, --seed N, --capacity C, --parallel P.");
            return 2;
    }
}

var clock = Stopwatch.StartNew();
IReadOnlyList<FleetOutageSettings> worlds = Sweep.FleetWorlds(seed, capacity);
Console.WriteLine($"Fleet outage: {worlds.Count} worlds × {Policies.All.Count} policies on {parallelism} threads...");
IReadOnlyList<FleetOutageResult> fleet = Sweep.RunFleet(worlds, Policies.All, parallelism);
Console.WriteLine($"  done in {clock.Elapsed.TotalSeconds:0.0} s");
IReadOnlyList<HerdResult> herd = Sweep.RunHerd(seed, Policies.All, parallelism);
Console.WriteLine($"Herd done at {clock.Elapsed.TotalSeconds:0.0} s");

var report = new MarkdownReport(output, seed, capacity, Policies.All, fleet, herd);
report.Write();
foreach (ControlCheck check in report.Controls)
{
    Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Evidence}");
}

Console.WriteLine($"Wrote {Path.Combine(output, "fleet-safety.md")} in {clock.Elapsed.TotalSeconds:0.0} s");
return 0;
