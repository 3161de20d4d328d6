namespace ResilientHttp.Tests;

/// <summary>
/// A manual clock whose timestamps count nanoseconds, like <see cref="System.Diagnostics.Stopwatch"/> on Linux,
/// unlike <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>, whose timestamps are
/// <see cref="TimeSpan"/> ticks: durations turned into timestamps must be right on either.
/// </summary>
internal sealed class NanosecondClock : TimeProvider
{
    private long _now = 1_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan duration) => _now += duration.Ticks * 100;
}
