namespace ResilientHttp.Tests;

/// <summary>
/// A random source that draws 0.5 and cancels a token on its <c>n</c>-th draw: a way to cancel at the exact
/// point of a call where the retry handler draws (after an attempt, and again as a wait ends).
/// </summary>
internal sealed class CancellingRandom(CancellationTokenSource source, int cancelOnDraw) : RandomSource
{
    private int _draws;

    public override double NextDouble()
    {
        if (Interlocked.Increment(ref _draws) == cancelOnDraw)
        {
            source.Cancel();
        }

        return 0.5;
    }
}
