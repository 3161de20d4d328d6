using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ResilientHttp.Benchmarks;

if (args.Contains("--probe"))
{
    AllocationProbe.Report(Console.Out);
    return;
}

if (args.Contains("--profile"))
{
    Profile.Run(churnOnly: args.Contains("churn"), spin: args.Contains("spin"));
    return;
}

if (args.Contains("--hedging"))
{
    int calls = args.SkipWhile(a => a != "--calls").Skip(1).Select(int.Parse).FirstOrDefault(20_000);
    await HedgingBench.RunAsync(Console.Out, calls, callers: 16, seed: 20261203);
    return;
}

if (args.Contains("--admission"))
{
    Admission.Report(Console.Out);
    return;
}

if (args.Contains("--memory"))
{
    HostMemory.Report(Console.Out);
    return;
}

// Short but repeated runs: ratios within one run are what the docs report.
IConfig config = DefaultConfig.Instance
    .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).WithLaunchCount(1))
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(SuccessPathBenchmarks).Assembly).Run(args, config);
