namespace ResilientHttp.Simulator;

/// <summary>Orders events by time, then by the order they were scheduled: ties never depend on the heap.</summary>
internal sealed class EventOrder : IComparer<(long Time, long Sequence)>
{
    public static EventOrder Instance { get; } = new();

    public int Compare((long Time, long Sequence) x, (long Time, long Sequence) y)
    {
        int byTime = x.Time.CompareTo(y.Time);
        return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
    }
}
