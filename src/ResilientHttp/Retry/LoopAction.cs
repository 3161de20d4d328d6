namespace ResilientHttp;

/// <summary>What the retry loop asks its driver to do next.</summary>
internal enum LoopAction
{
    /// <summary>Send the next attempt now.</summary>
    Send,

    /// <summary>Wait <see cref="LoopStep.Delay"/>, then ask again.</summary>
    Wait,

    /// <summary>The call is over: hand back the last outcome.</summary>
    Stop,
}
