using System.Collections.Concurrent;

namespace ResilientHttp;

/// <summary>
/// Reuses the cancellation sources that time attempts, so that a successful call does not allocate a
/// source and a timer. A source goes back only when it was never cancelled (<see cref="CancellationTokenSource.TryReset"/>).
/// </summary>
internal sealed class CancellationPool(TimeProvider time)
{
    private const int MaxPooled = 256;
    private readonly ConcurrentQueue<CancellationTokenSource> _free = new();

    /// <summary>Gets a source that cancels itself after <paramref name="delay"/> on the client's clock.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        if (_free.TryDequeue(out CancellationTokenSource? source))
        {
            // Created with the client's TimeProvider: CancelAfter re-arms that provider's timer.
#pragma warning disable RS0030
            source.CancelAfter(delay);
#pragma warning restore RS0030
            return source;
        }

        return new CancellationTokenSource(delay, time);
    }

    public void Return(CancellationTokenSource source)
    {
        if (_free.Count < MaxPooled && source.TryReset())
        {
            _free.Enqueue(source);
        }
        else
        {
            source.Dispose();
        }
    }
}
