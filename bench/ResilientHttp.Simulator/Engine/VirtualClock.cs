namespace ResilientHttp.Simulator;

/// <summary>
/// The simulation's clock, handed to the library wherever it wants a <see cref="TimeProvider"/>: its
/// timestamps are the virtual time, in ticks of 100 ns, and only the scheduler moves it.
/// </summary>
internal sealed class VirtualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the virtual time, in ticks since the start of the run.</summary>
    public long Now { get; private set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Now;

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Now);

    /// <summary>Moves the clock forward; time never runs backwards.</summary>
    public void AdvanceTo(long ticks)
    {
        if (ticks < Now)
        {
            throw new InvalidOperationException($"Virtual time cannot go back from {Now} to {ticks}.");
        }

        Now = ticks;
    }

    /// <summary>Converts seconds to ticks of this clock.</summary>
    public static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    /// <summary>Converts ticks of this clock to seconds.</summary>
    public static double Seconds(long ticks) => ticks / (double)TimeSpan.TicksPerSecond;
}
