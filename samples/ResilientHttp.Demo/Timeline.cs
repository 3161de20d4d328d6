using System.Collections.Concurrent;
using System.Diagnostics;

namespace ResilientHttp.Demo;

/// <summary>Collects a scenario's events, from the fault server and from the library's own log events.</summary>
internal sealed class Timeline
{
    private readonly ConcurrentQueue<TimelineEntry> _entries = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private readonly ConcurrentDictionary<string, int> _tally = new();

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Gets or sets a value indicating whether library events are only counted, not listed (for storms of calls).</summary>
    public bool Muted { get; set; }

    /// <summary>Counts one library event while muted.</summary>
    public void Count(string what) => _tally.AddOrUpdate(what, 1, (_, n) => n + 1);

    /// <summary>Takes the counts made while muted.</summary>
    public IReadOnlyDictionary<string, int> TakeTally()
    {
        var tally = new SortedDictionary<string, int>(_tally, StringComparer.Ordinal);
        _tally.Clear();
        return tally;
    }

    public void Add(string who, string text, Tone tone = Tone.Plain) => _entries.Enqueue(new TimelineEntry(_clock.Elapsed, who, text, tone));

    public IReadOnlyList<TimelineEntry> Entries => _entries.OrderBy(e => e.At).ToList();

    public void Restart()
    {
        _entries.Clear();
        _clock.Restart();
    }
}
