using BenchmarkDotNet.Attributes;

namespace ResilientHttp.Benchmarks;

/// <summary>The call almost every call is: one GET answered 200.</summary>
[MemoryDiagnoser]
public class SuccessPathBenchmarks
{
    private HttpClient _bare = null!;
    private HttpClient _noOp = null!;
    private HttpClient _resilient = null!;
    private HttpClient _resilientNoBreaker = null!;
    private HttpClient _resilientNoTimeout = null!;
    private HttpClient _standard = null!;
    private HttpClient _standardRetryBreaker = null!;
    private HttpClient _standardByAuthority = null!;
    private HttpClient _pollyCore = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = Clients.Bare();
        _noOp = Clients.NoOp();
        _resilient = Clients.ResilientDefaults();
        _resilientNoBreaker = Clients.ResilientWith(o => o.CircuitBreaker.Enabled = false);
        _resilientNoTimeout = Clients.ResilientWith(o => o.AttemptTimeout = null);
        _standard = Clients.Standard();
        _standardRetryBreaker = Clients.StandardRetryAndBreaker();
        _standardByAuthority = Clients.StandardByAuthority();
        _pollyCore = Clients.PollyCore();
    }

    [Benchmark(Baseline = true, Description = "bare client")]
    public Task<HttpResponseMessage> Bare() => Send(_bare);

    [Benchmark(Description = "no-op DelegatingHandler")]
    public Task<HttpResponseMessage> NoOp() => Send(_noOp);

    [Benchmark(Description = "ResilientHttp defaults")]
    public Task<HttpResponseMessage> Resilient() => Send(_resilient);

    [Benchmark(Description = "ResilientHttp, breaker off")]
    public Task<HttpResponseMessage> ResilientNoBreaker() => Send(_resilientNoBreaker);

    [Benchmark(Description = "ResilientHttp, no attempt timeout")]
    public Task<HttpResponseMessage> ResilientNoTimeout() => Send(_resilientNoTimeout);

    [Benchmark(Description = "AddStandardResilienceHandler")]
    public Task<HttpResponseMessage> Standard() => Send(_standard);

    [Benchmark(Description = "standard retry + breaker")]
    public Task<HttpResponseMessage> StandardRetryBreaker() => Send(_standardRetryBreaker);

    [Benchmark(Description = "Polly.Core pipeline (retry, breaker, timeout)")]
    public Task<HttpResponseMessage> PollyCore() => Send(_pollyCore);

    [Benchmark(Description = "standard, by authority")]
    public Task<HttpResponseMessage> StandardByAuthority() => Send(_standardByAuthority);

    private static async Task<HttpResponseMessage> Send(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead);
        return response;
    }
}
