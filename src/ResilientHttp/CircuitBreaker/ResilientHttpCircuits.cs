namespace ResilientHttp;

/// <summary>
/// A read-only view of every tracked circuit of every client, for dashboards, admin endpoints and health
/// checks. Resolve it from DI once <c>AddResilientHandler</c> has been called.
/// </summary>
public sealed class ResilientHttpCircuits
{
    private readonly IServiceProvider _services;

    internal ResilientHttpCircuits(IServiceProvider services)
    {
        _services = services;
    }

    /// <summary>Gets a snapshot of the tracked circuits, open and half-open ones first.</summary>
    /// <returns>One entry per client name and host.</returns>
    public IReadOnlyList<CircuitInfo> GetCircuits()
    {
        var registry = (ResilienceRegistry)_services.GetService(typeof(ResilienceRegistry))!;
        long now = registry.Time.GetTimestamp();
        return registry.Clients
            .SelectMany(client => client.Hosts.Hosts.Select(host => new CircuitInfo(
                client.Name,
                host.Authority,
                host.Circuit.State,
                host.Circuit.ConsecutiveFailures,
                host.Circuit.RemainingBreak(now, registry.Time))))
            .OrderBy(c => c.State == CircuitState.Closed)
            .ThenBy(c => c.ClientName, StringComparer.Ordinal)
            .ThenBy(c => c.Authority, StringComparer.Ordinal)
            .ToList();
    }
}
