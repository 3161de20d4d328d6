namespace ResilientHttp;

/// <summary>What one host's circuit looks like at a moment: see <see cref="ResilientHttpCircuits"/>.</summary>
/// <param name="ClientName">The client name the circuit belongs to.</param>
/// <param name="Authority">The host, as scheme://host:port.</param>
/// <param name="State">The circuit's state.</param>
/// <param name="ConsecutiveFailures">The failures counted since the last success while closed.</param>
/// <param name="RetryAfter">For an open circuit, the time until it lets a probe through; otherwise zero.</param>
public sealed record CircuitInfo(string ClientName, string Authority, CircuitState State, int ConsecutiveFailures, TimeSpan RetryAfter);
