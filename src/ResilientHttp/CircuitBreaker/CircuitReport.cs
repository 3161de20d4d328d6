namespace ResilientHttp;

/// <summary>What a report to a <see cref="Circuit"/> changed: the transition, and the break it started, if any.</summary>
/// <param name="Transition">The state change made, if any.</param>
/// <param name="Break">The length of the break that began (when the circuit opened or re-opened), else zero.</param>
internal readonly record struct CircuitReport(CircuitTransition Transition, TimeSpan Break)
{
    /// <summary>Gets a report of no change.</summary>
    public static CircuitReport None => default;
}
