namespace ResilientHttp.Simulator;

/// <summary>How the server fails during the outage.</summary>
internal enum OutageMode
{
    /// <summary>Every attempt is answered 503 at once; queued work is answered 503 when the outage starts.</summary>
    FailFast,

    /// <summary>Attempts are taken and never answered: the client waits for its attempt timeout. Queued work is lost.</summary>
    BlackHole,

    /// <summary>The server keeps working at a quarter of its capacity.</summary>
    BrownOut,
}
