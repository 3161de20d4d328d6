using BenchmarkDotNet.Attributes;

namespace ResilientHttp.Benchmarks;

/// <summary>64 concurrent callers on 2 cores, to one host and to many hosts: throughput against the no-op handler.</summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int Callers = 64;
    private const int CallsEach = 200;
    private Uri[] _many = null!;
    private Uri[] _one = null!;
    private HttpClient _noOp = null!;
    private HttpClient _resilient = null!;
    private HttpClient _resilientNoTimeout = null!;

    [GlobalSetup]
    public void Setup()
    {
        _one = [new Uri("http://one.test/item")];
        _many = Enumerable.Range(0, 512).Select(i => new Uri($"http://host{i}.test/item")).ToArray();
        _noOp = Clients.NoOp();
        _resilient = Clients.ResilientDefaults();
        _resilientNoTimeout = Clients.ResilientWith(o => o.AttemptTimeout = null);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Callers * CallsEach, Description = "no-op handler, one host")]
    public Task NoOpOneHost() => Run(_noOp, _one);

    [Benchmark(OperationsPerInvoke = Callers * CallsEach, Description = "ResilientHttp, one host")]
    public Task ResilientOneHost() => Run(_resilient, _one);

    [Benchmark(OperationsPerInvoke = Callers * CallsEach, Description = "ResilientHttp, no attempt timeout, one host")]
    public Task ResilientNoTimeoutOneHost() => Run(_resilientNoTimeout, _one);

    [Benchmark(OperationsPerInvoke = Callers * CallsEach, Description = "no-op handler, 512 hosts")]
    public Task NoOpManyHosts() => Run(_noOp, _many);

    [Benchmark(OperationsPerInvoke = Callers * CallsEach, Description = "ResilientHttp, 512 hosts")]
    public Task ResilientManyHosts() => Run(_resilient, _many);

    private static Task Run(HttpClient client, Uri[] uris) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (int i = 0; i < CallsEach; i++)
            {
                using HttpResponseMessage response = await client.GetAsync(uris[(caller + i) % uris.Length], HttpCompletionOption.ResponseHeadersRead);
            }
        })));
}
