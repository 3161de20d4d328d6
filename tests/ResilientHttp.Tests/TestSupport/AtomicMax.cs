namespace ResilientHttp.Tests;

internal static class AtomicMax
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if that is higher, from any thread.</summary>
    public static void Raise(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
