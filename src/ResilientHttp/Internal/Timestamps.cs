namespace ResilientHttp;

/// <summary>Conversions between durations and the timestamps of a <see cref="TimeProvider"/>.</summary>
internal static class Timestamps
{
    /// <summary>Gets how many timestamp ticks of <paramref name="time"/> last <paramref name="duration"/>.</summary>
    public static long From(TimeSpan duration, TimeProvider time) =>
        (long)(duration.Ticks * ((double)time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
