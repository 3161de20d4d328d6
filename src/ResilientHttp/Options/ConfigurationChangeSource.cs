using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ResilientHttp;

/// <summary>K3: tells a client's state that its configuration changed, so it rebuilds (and re-validates) its options.</summary>
/// <param name="Name">The client name, or <see langword="null"/> for every client.</param>
/// <param name="Configuration">The configuration watched.</param>
internal sealed record ConfigurationChangeSource(string? Name, IConfiguration Configuration) : IOptionsChangeTokenSource<ResilientHttpOptions>
{
    public IChangeToken GetChangeToken() => Configuration.GetReloadToken();
}
