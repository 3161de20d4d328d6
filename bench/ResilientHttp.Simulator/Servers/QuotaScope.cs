namespace ResilientHttp.Simulator;

/// <summary>Whose calls a quota counts.</summary>
internal enum QuotaScope
{
    /// <summary>Each client has its own quota (its own API key or token), as GitHub, OpenAI and Anthropic count them.</summary>
    PerClient,

    /// <summary>One quota for the whole fleet (one key shared by every process).</summary>
    Shared,
}
