namespace ResilientHttp;

/// <summary>A client name given to <c>AddResilientHandler</c>, so that start-up validation checks it too.</summary>
/// <param name="Name">The client name.</param>
internal sealed record ResilientHttpClientName(string Name);
