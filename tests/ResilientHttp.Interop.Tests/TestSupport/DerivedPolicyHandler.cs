using Microsoft.Extensions.Http;
using Polly;

namespace ResilientHttp.Interop.Tests;

/// <summary>A user's own subclass of Polly's handler: still a retrying layer, recognised through its base type.</summary>
internal sealed class DerivedPolicyHandler(int retries)
    : PolicyHttpMessageHandler(Policy.HandleResult<HttpResponseMessage>(r => (int)r.StatusCode >= 500).RetryAsync(retries));
