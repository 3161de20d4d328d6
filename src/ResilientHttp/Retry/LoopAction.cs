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

    /// <summary>
    /// Wait, at most the step's delay, for the fleet store's answer about the host's budget (<see cref="FleetShare.AnswerAsync"/>),
    /// with the attempt's outcome still in hand, then tell the loop the same outcome again (<see cref="RetryLoop.Completed"/>).
    /// </summary>
    Ask,
}
