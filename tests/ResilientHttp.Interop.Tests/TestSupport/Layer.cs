namespace ResilientHttp.Interop.Tests;

/// <summary>The resilience layers of other libraries that D1 replaces.</summary>
public enum Layer
{
    /// <summary>Microsoft's <c>AddStandardResilienceHandler</c>.</summary>
    StandardResilienceHandler,

    /// <summary>Microsoft's <c>AddStandardHedgingHandler</c> (two handlers).</summary>
    StandardHedgingHandler,

    /// <summary>Microsoft's <c>AddResilienceHandler</c> with a retry of its own.</summary>
    ResilienceHandler,

    /// <summary>Polly's <c>AddPolicyHandler</c> (Microsoft.Extensions.Http.Polly).</summary>
    PolicyHandler,

    /// <summary>Polly's <c>AddTransientHttpErrorPolicy</c> (Microsoft.Extensions.Http.Polly).</summary>
    TransientHttpErrorPolicy,
}
