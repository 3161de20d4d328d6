namespace ResilientHttp.Simulator;

/// <summary>What a scenario learns from the clients: sends, answers and finished calls.</summary>
internal interface ICallObserver
{
    /// <summary>An attempt left for the server.</summary>
    void AttemptSent(Attempt attempt, long now);

    /// <summary>The client has an attempt's outcome (a timeout included).</summary>
    void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now);

    /// <summary>A call ended: the caller now has its result.</summary>
    void CallFinished(Call call, bool succeeded, long now);
}
