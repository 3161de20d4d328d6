namespace ResilientHttp.Simulator.Tests;

internal sealed class RecordingObserver : ICallObserver
{
    public List<long> Sent { get; } = [];

    public List<(Call Call, bool Succeeded)> Finished { get; } = [];

    public void AttemptSent(Attempt attempt, long now) => Sent.Add(now);

    public void AttemptSettled(Attempt attempt, in AttemptOutcome outcome, long now)
    {
    }

    public void CallFinished(Call call, bool succeeded, long now) => Finished.Add((call, succeeded));
}
