using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ResilientHttp;

/// <summary>
/// D1: leaves one resilience layer, ours, in the pipeline of every client that has <c>AddResilientHandler</c>,
/// whatever the order of the calls. A filter wraps all of a client's handler-builder actions (its own and those of
/// <c>ConfigureHttpClientDefaults</c>), so what it removes after they have run cannot be added back by a later
/// call. Clients without our handlers are left as they are.
/// </summary>
/// <param name="services">
/// The root provider. The logger is resolved when first needed, not injected: a logger provider that itself
/// uses <c>IHttpClientFactory</c> (an exporter, say) would otherwise depend on this filter in a cycle.
/// </param>
internal sealed class OneResilienceLayerFilter(IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    // Client names already reported: a pipeline is rebuilt at every handler rotation, the replacement is told once.
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            RemoveForeignHandlers(builder);
        };
    }

    private void RemoveForeignHandlers(HttpMessageHandlerBuilder builder)
    {
        IList<DelegatingHandler> handlers = builder.AdditionalHandlers;
        if (!handlers.Any(h => h is RetryHandler))
        {
            return;
        }

        List<string>? removed = null;
        for (int i = handlers.Count - 1; i >= 0; i--)
        {
            DelegatingHandler handler = handlers[i];
            if (ForeignResilienceHandlers.IsForeign(handler))
            {
                handlers.RemoveAt(i);
                (removed ??= []).Insert(0, handler.GetType().FullName ?? handler.GetType().Name);

                // Out of the chain, nothing else would dispose it.
                handler.Dispose();
            }
        }

        string name = builder.Name ?? Options.DefaultName;
        if (removed is not null && _reported.TryAdd(name, true))
        {
            ClientState client = services.GetRequiredService<ResilienceRegistry>().GetClient(name);
            client.Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.HandlersReplaced, Text = string.Join(", ", removed) });
        }
    }
}
