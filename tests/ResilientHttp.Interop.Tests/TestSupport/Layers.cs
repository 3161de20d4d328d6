using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ResilientHttp.Interop.Tests;

/// <summary>
/// Puts another library's resilience layer on a client, tuned so that alone it sends a failing call
/// <see cref="Sends"/> times, quickly: a count that tells it apart from ours and from the two stacked.
/// </summary>
internal static class Layers
{
    /// <summary>The retries (or hedges) each layer makes after the first send.</summary>
    public const int Retries = 4;

    /// <summary>The sends of one failing call when the layer acts alone.</summary>
    public const int Sends = Retries + 1;

    public const string ResilienceHandlerType = "Microsoft.Extensions.Http.Resilience.ResilienceHandler";

    public const string PolicyHandlerType = "Microsoft.Extensions.Http.PolicyHttpMessageHandler";

    public static Layer[] All { get; } = Enum.GetValues<Layer>();

    public static void Add(IHttpClientBuilder builder, Layer layer)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(1);
        switch (layer)
        {
            case Layer.StandardResilienceHandler:
                builder.AddStandardResilienceHandler(o =>
                {
                    o.Retry.MaxRetryAttempts = Retries;
                    (o.Retry.Delay, o.Retry.BackoffType, o.Retry.UseJitter) = (delay, DelayBackoffType.Constant, false);
                });
                break;
            case Layer.StandardHedgingHandler:
                builder.AddStandardHedgingHandler().Configure(o => (o.Hedging.MaxHedgedAttempts, o.Hedging.Delay) = (Retries, delay));
                break;
            case Layer.ResilienceHandler:
                builder.AddResilienceHandler("custom", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Retries,
                    Delay = delay,
                    BackoffType = DelayBackoffType.Constant,
                    UseJitter = false,
                }));
                break;
            case Layer.PolicyHandler:
                builder.AddPolicyHandler(Policy.HandleResult<HttpResponseMessage>(r => (int)r.StatusCode >= 500).RetryAsync(Retries));
                break;
            case Layer.TransientHttpErrorPolicy:
                builder.AddTransientHttpErrorPolicy(p => p.RetryAsync(Retries));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer, null);
        }
    }

    /// <summary>Gets the handler types the layer puts in the pipeline, in pipeline order.</summary>
    public static string[] HandlerTypes(Layer layer) => layer switch
    {
        Layer.StandardHedgingHandler => [ResilienceHandlerType, ResilienceHandlerType],
        Layer.StandardResilienceHandler or Layer.ResilienceHandler => [ResilienceHandlerType],
        _ => [PolicyHandlerType],
    };
}
