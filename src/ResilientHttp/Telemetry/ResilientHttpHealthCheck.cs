using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ResilientHttp;

/// <summary>Degraded while any circuit is open or half-open, listing them; healthy otherwise.</summary>
internal sealed class ResilientHttpHealthCheck(ResilientHttpCircuits circuits) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        List<CircuitInfo> broken = circuits.GetCircuits().Where(c => c.State != CircuitState.Closed).ToList();
        if (broken.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Every circuit is closed."));
        }

        var data = broken.ToDictionary(
            c => $"{c.ClientName} {c.Authority}",
            c => (object)(c.State == CircuitState.Open ? $"open, next probe in {Math.Ceiling(c.RetryAfter.TotalSeconds)} s" : "half-open, probe in flight"));
        return Task.FromResult(new HealthCheckResult(
            context.Registration.FailureStatus == HealthStatus.Unhealthy ? HealthStatus.Degraded : context.Registration.FailureStatus,
            $"{broken.Count} circuit(s) open: {string.Join(", ", data.Keys)}.",
            data: data));
    }
}
