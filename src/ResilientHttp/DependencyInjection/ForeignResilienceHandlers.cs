namespace ResilientHttp;

/// <summary>
/// D1: recognises the resilience handlers of other libraries by the full names of their types, so that the
/// library takes no dependency on those libraries. A subclass counts: the whole base-type chain is checked.
/// </summary>
internal static class ForeignResilienceHandlers
{
    /// <summary>The handler types that retry (or hedge) on their own, and so multiply attempts when stacked with ours.</summary>
    private static readonly HashSet<string> TypeNames = new(StringComparer.Ordinal)
    {
        // Microsoft.Extensions.Http.Resilience: AddResilienceHandler, AddStandardResilienceHandler (one each) and
        // AddStandardHedgingHandler (two: the hedging pipeline and the per-endpoint one).
        "Microsoft.Extensions.Http.Resilience.ResilienceHandler",

        // Microsoft.Extensions.Http.Polly: AddPolicyHandler, AddTransientHttpErrorPolicy, AddPolicyHandlerFromRegistry.
        "Microsoft.Extensions.Http.PolicyHttpMessageHandler",
    };

    /// <summary>Gets whether a handler is, or derives from, one of the recognised resilience handlers.</summary>
    public static bool IsForeign(DelegatingHandler handler)
    {
        for (Type? type = handler.GetType(); type is not null && type != typeof(DelegatingHandler); type = type.BaseType)
        {
            if (type.FullName is { } name && TypeNames.Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}
