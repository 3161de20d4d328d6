using BenchmarkDotNet.Attributes;

namespace ResilientHttp.Benchmarks;

/// <summary>Host lookup with a full host table: 10,000 authorities round-robin against the 1,024 tracked by default.</summary>
[MemoryDiagnoser]
public class ManyHostsBenchmarks
{
    private const int Hosts = 10_000;
    private Uri[] _uris = null!;
    private HttpClient _bare = null!;
    private HttpClient _resilient = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _uris = Enumerable.Range(0, Hosts).Select(i => new Uri($"http://host{i}.test:{8000 + (i % 1000)}/item")).ToArray();
        _bare = Clients.Bare();
        _resilient = Clients.ResilientDefaults();
    }

    [Benchmark(Baseline = true, Description = "ResilientHttp, one host")]
    public Task<HttpResponseMessage> OneHost() => Send(_resilient, _uris[0]);

    [Benchmark(Description = "ResilientHttp, 10,000 hosts")]
    public Task<HttpResponseMessage> ManyHosts() => Send(_resilient, _uris[_next++ % Hosts]);

    [Benchmark(Description = "bare client, 10,000 hosts")]
    public Task<HttpResponseMessage> BareManyHosts() => Send(_bare, _uris[_next++ % Hosts]);

    private static async Task<HttpResponseMessage> Send(HttpClient client, Uri uri)
    {
        using HttpResponseMessage response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        return response;
    }
}
