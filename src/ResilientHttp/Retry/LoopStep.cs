namespace ResilientHttp;

/// <summary>One answer of <see cref="RetryLoop"/>: send, wait, or stop, and why.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Delay">How long to wait, for <see cref="LoopAction.Wait"/>.</param>
/// <param name="Source">Why the wait, for <see cref="LoopAction.Wait"/>.</param>
/// <param name="Reason">Why the loop stopped, or <see cref="RetryDecisionReason.Retry"/> before a retry's wait.</param>
/// <param name="Ending">How the call ended, for <see cref="LoopAction.Stop"/>.</param>
/// <param name="IsRetry">Whether this is the wait before a retry (a failed attempt is behind it), not for a host's pause before a send.</param>
internal readonly record struct LoopStep(LoopAction Action, TimeSpan Delay = default, WaitSource Source = WaitSource.Backoff, RetryDecisionReason Reason = RetryDecisionReason.Retry, CallEnding Ending = CallEnding.Succeeded, bool IsRetry = false)
{
    public static LoopStep Send => new(LoopAction.Send);
}
