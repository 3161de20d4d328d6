namespace ResilientHttp;

/// <summary>
/// A list of status codes as a bit set, so that asking whether a status is in it costs a shift and a mask instead
/// of a walk through an <see cref="IList{T}"/>. Built from an options list on first use, and built again when the
/// list is replaced or its count changes.
/// </summary>
internal sealed class StatusCodeSet
{
    private const int Limit = 600;

    // Stryker disable once Arithmetic : a larger array only costs memory.
    private readonly ulong[] _bits = new ulong[(Limit + 63) / 64];
    private readonly IList<int> _source;
    private readonly int _count;

    private StatusCodeSet(IList<int> source)
    {
        _source = source;
        _count = source.Count;
        foreach (int code in source)
        {
            // A code out of range (negative too, as a uint) is in no set.
            // Stryker disable once Equality : with <=, a 600 sets a bit that Contains never reads (it asks < Limit first).
            if ((uint)code < Limit)
            {
                _bits[(uint)code / 64] |= 1UL << (int)((uint)code % 64);
            }
        }
    }

    // Stryker disable once Equality : <= Limit only lets 600 through, whose bit is never set (and != 0 is killed by every test of a listed code).
    public bool Contains(int code) => (uint)code < Limit && (_bits[(uint)code / 64] & (1UL << (int)((uint)code % 64))) != 0;

    /// <summary>Gets the set of <paramref name="list"/>, reusing <paramref name="cached"/> while it still describes it.</summary>
    public static StatusCodeSet Of(ref StatusCodeSet? cached, IList<int> list)
    {
        StatusCodeSet? set = Volatile.Read(ref cached);
        if (set is null || !ReferenceEquals(set._source, list) || set._count != list.Count)
        {
            set = new StatusCodeSet(list);
            Volatile.Write(ref cached, set);
        }

        return set;
    }
}
