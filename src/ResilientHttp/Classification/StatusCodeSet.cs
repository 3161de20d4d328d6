namespace ResilientHttp;

/// <summary>
/// A list of status codes as a bit set, so that asking whether a status is in it costs a shift and a mask instead
/// of a walk through an <see cref="IList{T}"/>. Built from an options list on first use, and built again when the
/// list is replaced or its count changes.
/// </summary>
internal sealed class StatusCodeSet
{
    private const int Limit = 600;
    private readonly ulong[] _bits = new ulong[(Limit + 63) / 64];
    private readonly IList<int> _source;
    private readonly int _count;

    private StatusCodeSet(IList<int> source)
    {
        _source = source;
        _count = source.Count;
        foreach (int code in source)
        {
            if (code is >= 0 and < Limit)
            {
                _bits[code >> 6] |= 1UL << (code & 63);
            }
        }
    }

    public bool Contains(int code) => (uint)code < Limit && (_bits[code >> 6] & (1UL << (code & 63))) != 0;

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
