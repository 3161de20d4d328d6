namespace ResilientHttp.Tests;

internal static class Concurrently
{
    /// <summary>
    /// Runs <paramref name="action"/> on <paramref name="count"/> dedicated threads released together by a
    /// barrier, so that they really race (thread-pool threads would be handed out one by one).
    /// </summary>
    public static T[] Run<T>(int count, Func<int, T> action)
    {
        var results = new T[count];
        using var start = new Barrier(count);
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = action(i);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }
}
