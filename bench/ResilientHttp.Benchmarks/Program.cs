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
    Profile.Run(churnOnly: args.Contains("churn"));
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
