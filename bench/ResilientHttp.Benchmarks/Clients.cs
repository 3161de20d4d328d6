using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace ResilientHttp.Benchmarks;

/// <summary>Every client of the benchmarks, built through IHttpClientFactory over the same kind of stub.</summary>
internal static class Clients
{
    public static HttpClient Build(Action<IHttpClientBuilder> pipeline, Func<StubHandler>? stub = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        IHttpClientBuilder builder = services.AddHttpClient("bench", c => c.BaseAddress = new Uri("http://bench.test/"))
            .ConfigurePrimaryHttpMessageHandler(stub ?? (() => new StubHandler()));

        // IHttpClientFactory's own logging handlers are the same for every row: remove them so that the
        // rows differ only by the resilience layer.
        builder.RemoveAllLoggers();
        pipeline(builder);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("bench");
    }

    public static HttpClient Bare() => Build(_ => { });

    public static HttpClient NoOp() => Build(b => b.AddHttpMessageHandler(() => new NoOpHandler()));

    public static HttpClient ResilientDefaults(Func<StubHandler>? stub = null) => Build(b => b.AddResilientHandler(), stub);

    public static HttpClient ResilientWith(Action<ResilientHttpOptions> configure, Func<StubHandler>? stub = null) =>
        Build(b => b.AddResilientHandler(configure), stub);

    public static HttpClient PollyCore(Func<StubHandler>? stub = null) => Build(b => b.AddHttpMessageHandler(() => new PollyCoreHandler()), stub);

    public static HttpClient Standard(Func<StubHandler>? stub = null) => Build(b => b.AddStandardResilienceHandler(), stub);

    public static HttpClient StandardByAuthority() => Build(b => b.AddStandardResilienceHandler().SelectPipelineByAuthority());

    public static HttpClient StandardRetryAndBreaker(Action<HttpRetryStrategyOptions>? retry = null, Action<HttpCircuitBreakerStrategyOptions>? breaker = null, Func<StubHandler>? stub = null) =>
        Build(
            b => b.AddResilienceHandler("retry-breaker", pipeline =>
            {
                var retryOptions = new HttpRetryStrategyOptions();
                retry?.Invoke(retryOptions);
                var breakerOptions = new HttpCircuitBreakerStrategyOptions();
                breaker?.Invoke(breakerOptions);
                pipeline.AddRetry(retryOptions).AddCircuitBreaker(breakerOptions);
            }),
            stub);
}
