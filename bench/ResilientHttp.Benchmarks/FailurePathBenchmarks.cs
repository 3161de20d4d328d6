using BenchmarkDotNet.Attributes;

namespace ResilientHttp.Benchmarks;

/// <summary>A call that needs one retry (503 then 200, no wait), and a call refused by an open circuit.</summary>
[MemoryDiagnoser]
public class FailurePathBenchmarks
{
    private HttpClient _resilientRetry = null!;
    private HttpClient _standardRetry = null!;
    private HttpClient _resilientOpen = null!;
    private HttpClient _standardOpen = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resilientRetry = Clients.ResilientWith(
            o =>
            {
                o.Retry.BaseDelay = TimeSpan.Zero;
                o.Retry.JitterFactor = 0;
                o.Retry.Budget.Enabled = false;
            },
            () => new StubHandler(alternate503: true));
        _standardRetry = Clients.StandardRetryAndBreaker(
            r => (r.Delay, r.UseJitter) = (TimeSpan.Zero, false),
            b => b.MinimumThroughput = int.MaxValue,
            () => new StubHandler(alternate503: true));

        _resilientOpen = Clients.ResilientWith(
            o => (o.Retry.MaxAttempts, o.CircuitBreaker.FailureThreshold, o.CircuitBreaker.BreakDuration) = (1, 1, TimeSpan.FromDays(1)),
            () => new StubHandler(always503: true));
        _standardOpen = Clients.StandardRetryAndBreaker(
            r => r.MaxRetryAttempts = 1,
            b => (b.MinimumThroughput, b.FailureRatio, b.BreakDuration, b.SamplingDuration) = (2, 0.1, TimeSpan.FromDays(1), TimeSpan.FromSeconds(30)),
            () => new StubHandler(always503: true));
        for (int i = 0; i < 5; i++)
        {
            Refused(_resilientOpen).GetAwaiter().GetResult();
            Refused(_standardOpen).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true, Description = "one retry: ResilientHttp")]
    public Task<HttpResponseMessage> ResilientOneRetry() => Send(_resilientRetry);

    [Benchmark(Description = "one retry: standard retry + breaker")]
    public Task<HttpResponseMessage> StandardOneRetry() => Send(_standardRetry);

    [Benchmark(Description = "open circuit: ResilientHttp")]
    public Task<bool> ResilientRefused() => Refused(_resilientOpen);

    [Benchmark(Description = "open circuit: standard retry + breaker")]
    public Task<bool> StandardRefused() => Refused(_standardOpen);

    private static async Task<HttpResponseMessage> Send(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead);
        return response;
    }

    private static async Task<bool> Refused(HttpClient client)
    {
        try
        {
            using HttpResponseMessage response = await client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead);
            return false;
        }
        catch (Exception ex) when (ex is CircuitOpenException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            return true;
        }
    }
}
