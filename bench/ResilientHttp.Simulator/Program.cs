using System.Diagnostics;
using System.Globalization;

using ResilientHttp.Simulator;

// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --out docs [--seed 20261129] [--capacity 1000] [--parallel 2]
// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --try "B=5,M=30;B=2,M=10" [--clients 10,100] [--misses]
// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --quota true
// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --shedding true [--clients 10,100] [--loads 0.7] [--outages 30]
// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --fleet-store docs [--parallel 2]
// dotnet run -c Release --project bench/ResilientHttp.Simulator -- --fleet-try "L=2,D=5,F=1,lat=0.5;L=1" [--clients 10000] [--loads 0.7] [--outages 30]
string output = "docs";
string? tryCandidates = null;
string? tuneOutput = null;
int[]? clientsFilter = null;
double[]? loadsFilter = null;
int[]? outagesFilter = null;
bool showMisses = false;
bool showSeries = false;
bool quotaOnly = false;
bool sheddingOnly = false;
string? fleetStoreOutput = null;
string? fleetTry = null;
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
        case "--tune":
            tuneOutput = args[i + 1];
            break;
        case "--try":
            tryCandidates = args[i + 1];
            break;
        case "--clients":
            clientsFilter = [.. args[i + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
            break;
        case "--loads":
            loadsFilter = [.. args[i + 1].Split(',').Select(n => double.Parse(n, CultureInfo.InvariantCulture))];
            break;
        case "--outages":
            outagesFilter = [.. args[i + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
            break;
        case "--misses":
            showMisses = args[i + 1] == "true";
            break;
        case "--series":
            showSeries = args[i + 1] == "true";
            break;
        case "--quota":
            quotaOnly = args[i + 1] == "true";
            break;
        case "--shedding":
            sheddingOnly = args[i + 1] == "true";
            break;
        case "--fleet-store":
            fleetStoreOutput = args[i + 1];
            break;
        case "--fleet-try":
            fleetTry = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Options: --out DIR, --seed N, --capacity C, --parallel P, --try SPECS, --tune DIR, --quota true, --shedding true, --fleet-store DIR, --fleet-try SPECS, --clients/--loads/--outages LIST, --misses true, --series true.");
            return 2;
    }
}

var clock = Stopwatch.StartNew();
IReadOnlyList<FleetOutageSettings> worlds = Sweep.FleetWorlds(seed, capacity);
if (clientsFilter is not null)
{
    worlds = [.. worlds.Where(w => clientsFilter.Contains(w.Clients))];
}

if (loadsFilter is not null)
{
    worlds = [.. worlds.Where(w => loadsFilter.Contains(w.Load))];
}

if (outagesFilter is not null)
{
    worlds = [.. worlds.Where(w => outagesFilter.Contains(w.OutageSeconds))];
}

if (fleetTry is not null)
{
    FleetStoreSettings[] stores = [.. fleetTry.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(FleetStoreSettings.Parse)];
    Policy[] tried = [Policies.NoRetries(), Policies.LibraryDefaults(), .. stores.Select(s => Policies.LibraryDefaultsWithSharedBudget(s))];
    foreach (FleetOutageResult r in Sweep.RunFleet(worlds, tried, parallelism))
    {
        Console.WriteLine($"{r.Settings} | {r.Policy}: amplification {Format.Ratio(r.Amplification)}, success {Format.Percent(r.SuccessFraction)}, recovery {Format.Seconds(r.RecoverySeconds)}, peak {Format.Ratio(r.PeakOfferedAfterRecovery)}, wasted {Format.Percent(r.WastedFraction)}");
    }

    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

if (fleetStoreOutput is not null)
{
    var fleetStore = new FleetStoreReport(fleetStoreOutput, seed, capacity, parallelism, Console.WriteLine);
    fleetStore.Run(worlds);
    fleetStore.Write();
    Console.WriteLine($"Chosen: {fleetStore.Chosen.Spec}; wrote {Path.Combine(fleetStoreOutput, "fleet-store.md")} in {clock.Elapsed.TotalMinutes:0.0} min");
    return 0;
}

if (tuneOutput is not null)
{
    FleetOutageSettings[] local = [.. worlds.Where(w => w.Clients <= WorldGoal.LocalFleetLimit)];
    var stages = new List<(string Stage, IReadOnlyList<CandidateScore> Scores)>();
    IReadOnlyList<CandidateScore> Stage(string name, IReadOnlyList<Candidate> candidates)
    {
        Console.WriteLine($"{name}: {candidates.Count} candidates in {local.Length} worlds ({clock.Elapsed.TotalMinutes:0.0} min)...");
        IReadOnlyList<CandidateScore> scores = Tuner.Run(local, candidates, seed, parallelism);
        stages.Add((name, scores));
        Console.Write(Tuner.Summary([.. Grid.Ranked(scores).Take(5)]));
        return scores;
    }

    Candidate breaker = Grid.Ranked(Stage("Stage 1: break lengths and failure threshold", Grid.Breakers())).First().Candidate;
    breaker = Grid.Ranked(Stage("Stage 2: the break's spread", Grid.Jitters(breaker))).First().Candidate;
    Stage("Stage 3: the budget", Grid.Budgets(breaker));
    var tuning = new TuningReport(tuneOutput, seed, local.Length, stages);
    tuning.Write();
    Console.WriteLine($"Chosen: {tuning.Chosen.Spec}; wrote {Path.Combine(tuneOutput, "fleet-tuning.md")} in {clock.Elapsed.TotalMinutes:0.0} min");
    return 0;
}

if (quotaOnly)
{
    foreach (QuotaResult r in Sweep.RunQuota(seed, Sweep.QuotaPolicies, parallelism))
    {
        Console.WriteLine($"{r.Settings} | {r.Policy}: {Format.Ratio(r.TooManyRequestsPerCall)} 429s per call, {Format.Percent(r.SuccessFraction)} succeeded, {Format.Ratio(r.SendsPerCall)} sends per call, {Format.Number(r.WaitSecondsPerCall)} s waited per call, all done at {Format.Seconds(r.DoneSeconds)}");
    }

    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

if (sheddingOnly)
{
    FleetOutageSettings[] fifo = [.. worlds.Where(w => w is { IsTransient: false, Mode: OutageMode.BrownOut })];
    IReadOnlyList<FleetOutageResult> runs = Sweep.RunFleet([.. fifo, .. Sweep.SheddingWorlds(fifo)], Sweep.SheddingPolicies, parallelism);
    foreach (FleetOutageResult r in runs)
    {
        Console.WriteLine($"{r.Settings} | {r.Policy}: success {Format.Percent(r.SuccessFraction)}, recovery {Format.Seconds(r.RecoverySeconds)}, amplification {Format.Ratio(r.Amplification)}, wasted {Format.Percent(r.WastedFraction)}");
    }

    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

if (tryCandidates is not null)
{
    Candidate[] candidates = [.. tryCandidates.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Candidate.Parse)];
    Console.WriteLine($"Trying {candidates.Length} candidates in {worlds.Count} worlds on {parallelism} threads...");
    IReadOnlyList<CandidateScore> scores = Tuner.Run(worlds, candidates, seed, parallelism);
    Console.Write(Tuner.Summary(scores));
    if (showSeries)
    {
        foreach (CandidateScore score in scores)
        {
            foreach (FleetOutageResult run in score.Runs)
            {
                FleetOutageResult none = score.Baselines[run.Settings];
                Console.WriteLine($"{score.Candidate.Spec} {run.Settings}: second offered/goodput (none)");
                for (int second = run.Settings.OutageStartSecond - 2; second < run.Settings.OutageEndSecond + 30; second++)
                {
                    Console.WriteLine($"  {second,4} {run.OfferedLoad[second]:0.00}/{run.Goodput[second]:0.00}  ({none.OfferedLoad[second]:0.00}/{none.Goodput[second]:0.00})");
                }
            }
        }
    }

    if (showMisses)
    {
        foreach (CandidateScore score in scores)
        {
            Console.WriteLine(score.Candidate.Spec);
            Console.Write(Tuner.Misses(score));
        }
    }

    Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

Console.WriteLine($"Fleet outage: {worlds.Count} worlds × {Policies.All.Count} policies on {parallelism} threads...");
IReadOnlyList<FleetOutageResult> fleet = Sweep.RunFleet(worlds, Policies.All, parallelism);
Console.WriteLine($"  done in {clock.Elapsed.TotalSeconds:0.0} s");
IReadOnlyList<HerdResult> herd = Sweep.RunHerd(seed, Policies.All, parallelism);
Console.WriteLine($"Herd done at {clock.Elapsed.TotalSeconds:0.0} s");
IReadOnlyList<FleetOutageResult> shedding = Sweep.RunFleet(Sweep.SheddingWorlds(worlds), Sweep.SheddingPolicies, parallelism);
Console.WriteLine($"Shedding brown-outs done at {clock.Elapsed.TotalSeconds:0.0} s");
IReadOnlyList<QuotaResult> quota = Sweep.RunQuota(seed, Sweep.QuotaPolicies, parallelism);

var report = new MarkdownReport(output, seed, capacity, Policies.All, fleet, herd, shedding, quota);
report.Write();
foreach (ControlCheck check in report.Controls)
{
    Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Evidence}");
}

Console.WriteLine($"Wrote {Path.Combine(output, "fleet-safety.md")} in {clock.Elapsed.TotalSeconds:0.0} s");
return 0;
