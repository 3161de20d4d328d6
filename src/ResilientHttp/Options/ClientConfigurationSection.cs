using Microsoft.Extensions.Configuration;

namespace ResilientHttp;

/// <summary>A section given to <c>AddResilientHandler(IConfiguration)</c>: the whole configuration of that client.</summary>
/// <param name="ClientName">The client name, or <see langword="null"/> for every client (<c>ConfigureHttpClientDefaults</c>).</param>
/// <param name="Section">The section, with the schema of one client's entry.</param>
internal sealed record ClientConfigurationSection(string? ClientName, IConfiguration Section);
