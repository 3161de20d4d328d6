using System.Collections.Concurrent;

namespace ResilientHttp;

/// <summary>
/// C1, C6, C7: the hosts of one client, keyed by authority (scheme://host:port), bounded by
/// <see cref="CircuitBreakerOptions.MaxTrackedHosts"/>. A lookup of a known host takes no lock and
/// allocates nothing; only adding a host past the bound evicts, idle closed entries first and never an
/// open or half-open one.
/// </summary>
internal sealed class HostTable
{
    private const int MaxStackAuthority = 256;

    private static readonly System.Buffers.SearchValues<char> AuthorityEnd = System.Buffers.SearchValues.Create("/?#\\");

    // What a host's text may hold to be read as its key; anything else, upper case included, takes the Uri's own parts.
    private static readonly System.Buffers.SearchValues<char> PlainHost = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-._");

    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.Ordinal);

    // T2: the host names ever reported in metrics, bounded like the table itself, so that calls to
    // ever new hosts do not become ever new tag values.
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostState>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Lock _evictionGate = new();
    private HostState[] _idle = [];     // the eviction's work arrays, used under _evictionGate only
    private long[] _idleSince = [];
    private int[] _seen = [];          // the doorkeeper of a full table (FirstSighting)
    private readonly TimeProvider _time;
    private readonly FleetStore? _fleet;
    private readonly string _client;
    private readonly long _touchGranularity;
    private int _count;
    private int _reportedCount;

    public HostTable(TimeProvider time, FleetStore? fleet = null, string client = "")
    {
        _time = time;
        _fleet = fleet;
        _client = client;
        _touchGranularity = time.TimestampFrequency / 10;
        _bySpan = _hosts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the number of tracked hosts.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets a snapshot of the tracked hosts.</summary>
    public IEnumerable<HostState> Hosts => _hosts.Values;

    /// <summary>Gets the state of a tracked host by its authority (scheme://host:port), without adding it.</summary>
    public HostState? Find(string authority) => _hosts.GetValueOrDefault(authority);

    /// <summary>Gets the state of the host of <paramref name="uri"/>, adding it when new.</summary>
    /// <param name="uri">An absolute request URI.</param>
    /// <param name="options">The client's options in force now.</param>
    public HostState Get(Uri uri, ResilientHttpOptions options) => Get(uri, options, _time.GetTimestamp());

    /// <summary>Gets the state of the host of <paramref name="uri"/> at a timestamp the caller already took, adding it when new.</summary>
    /// <param name="uri">An absolute request URI.</param>
    /// <param name="options">The client's options in force now.</param>
    /// <param name="now">The current timestamp of the client's clock.</param>
    public HostState Get(Uri uri, ResilientHttpOptions options, long now) => Get(uri, options, now, admitOnFirstSight: true);

    /// <summary>
    /// C6: gets the state of the host of one call's <paramref name="uri"/>. While the table is full, a host it does not
    /// know is admitted on its second call within a while, not its first: the first gets a state of its own
    /// (<see cref="HostState.Provisional"/>), which <see cref="Track"/> admits once the call has something to keep (a
    /// failure, a pause). A host called once that answered well has nothing to keep, and admitting it would evict a host
    /// that has: a stream of one-off hosts costs no additions and no evictions, and flushes no host's history.
    /// </summary>
    /// <param name="uri">An absolute request URI.</param>
    /// <param name="options">The client's options in force now.</param>
    /// <param name="now">The current timestamp of the client's clock.</param>
    public HostState GetForCall(Uri uri, ResilientHttpOptions options, long now) => Get(uri, options, now, admitOnFirstSight: _fleet is not null);

    // The key's buffer is written before it is read: not zeroed on every call (512 bytes).
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private HostState Get(Uri uri, ResilientHttpOptions options, long now, bool admitOnFirstSight)
    {
        Span<char> buffer = stackalloc char[MaxStackAuthority];

        // A key too long for the stack buffer is made as a string at once.
        string? authority = TryFormatAuthority(uri, buffer, out int length) ? null : FormatAuthority(uri);
        if (authority is null ? _bySpan.TryGetValue(buffer[..length], out HostState? known) : _hosts.TryGetValue(authority, out known))
        {
            known.Touch(now, _touchGranularity);
            return known;
        }

        // A new host: its key is the text just formatted (no second parse of the Uri).
        authority ??= new string(buffer[..length]);
        int max = options.CircuitBreaker.MaxTrackedHosts;
        HostState created = Create(uri, authority, now, options);
        return !admitOnFirstSight && Count >= max && FirstSighting(authority, max) ? created : Add(created, max);
    }

    /// <summary>
    /// C6: the state a call with a <see cref="HostState.Provisional"/> host goes on with once it has something to keep:
    /// the provisional state itself, now tracked (and used now), or the state another call had the host tracked with
    /// meanwhile.
    /// </summary>
    /// <param name="provisional">The call's own state, <see cref="HostState.Provisional"/>.</param>
    /// <param name="options">The client's options in force now.</param>
    /// <param name="now">The current timestamp of the client's clock.</param>
    public HostState Track(HostState provisional, ResilientHttpOptions options, long now)
    {
        provisional.Touch(now, _touchGranularity);
        return Add(provisional, options.CircuitBreaker.MaxTrackedHosts);
    }

    /// <summary>
    /// C6: after an attempt of a call with a <see cref="HostState.Provisional"/> host, the tracked state the call goes on
    /// with, or <see langword="null"/> to go on with its own: an attempt that leaves state (<see cref="LeavesState"/>)
    /// is tracked; any other is still told to the host's tracked state when another call had it tracked meanwhile (a
    /// success resets its failures, and C2 reads its time).
    /// </summary>
    /// <param name="provisional">The call's own state.</param>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="options">The client's options in force now.</param>
    /// <param name="now">The current timestamp of the client's clock.</param>
    public HostState? Settle(HostState provisional, in AttemptOutcome outcome, ResilientHttpOptions options, long now) =>
        LeavesState(outcome, options) ? Track(provisional, options, now) : Find(provisional.Authority);

    /// <summary>
    /// C6: whether an attempt that ended with <paramref name="outcome"/> leaves anything in its host's state: all but a
    /// successful call (<see cref="RetryStrategy.IsSuccessfulCall"/>) whose quota is not spent, and the caller's
    /// cancellation (which the breaker and the budget count as nothing). (A <c>Retry-After</c> is read only from a
    /// retriable answer, which is no successful call.)
    /// </summary>
    public static bool LeavesState(in AttemptOutcome outcome, ResilientHttpOptions options) =>
        outcome.Kind != OutcomeKind.Canceled && (!RetryStrategy.IsSuccessfulCall(outcome, options) || outcome.QuotaReset is not null);

    /// <summary>Gets the doorkeeper's number of slots for a table of <paramref name="max"/> hosts: a power of two, twice the table, at most 65,536.</summary>
    internal static int DoorkeeperSize(int max) => (int)Math.Min(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)max) * 2, 65_536);

    // The doorkeeper: one hash per slot of the hosts lately seen and not tracked, twice as many slots as tracked hosts
    // (at most 65,536): a host called again before about as many newcomers as the table holds came is admitted. A
    // hash shared by two hosts admits the second early, which costs nothing but the admission.
    private bool FirstSighting(ReadOnlySpan<char> authority, int max)
    {
        int size = DoorkeeperSize(max);
        int[] seen = _seen;
        if (seen.Length != size)
        {
            _seen = seen = new int[size];
        }

        int hash = string.GetHashCode(authority) | 1; // never 0, an empty slot
        ref int slot = ref seen[hash & (size - 1)];
        if (Volatile.Read(ref slot) == hash)
        {
            return false;
        }

        Volatile.Write(ref slot, hash);
        return true;
    }

    /// <summary>Formats the authority key of a URI: scheme://host:port, always with the port.</summary>
    public static string FormatAuthority(Uri uri) => $"{uri.Scheme}://{uri.Host}:{uri.Port}";

    // The lookup key is read from the URI's original text when it is plain (http or https, lower-case
    // ASCII host, no user info, no IPv6 literal): asking a freshly built Uri for its Host makes it parse
    // and allocate, and HttpClient builds a fresh Uri for every request. Anything unusual takes the Uri's
    // own parts. The guards are layered: a URI that one of them lets through wrongly gives, further on,
    // either its right key or one that no Uri has (upper case, '@', an empty host, a port its scheme never
    // has). The key written here is also the key a new host is added under, so a wrong one would split a
    // host in two: the tests of every spelling of a URI are what keep these guards honest.
    private static bool TryFormatAuthority(Uri uri, Span<char> destination, out int written)
    {
        string scheme = uri.Scheme;
        int port = scheme == Uri.UriSchemeHttps ? 443 : scheme == Uri.UriSchemeHttp ? 80 : -1;

        // Stryker disable once Unary,Block,Statement : a layered guard (see above): a later guard gives the same key.
        if (port == -1)
        {
            return TryFormatFromParts(uri, destination, out written);
        }

        // An http(s) Uri's text is optional white space and then "scheme://" (Uri checked): "://" right
        // after the scheme's length rules the white space out.
        ReadOnlySpan<char> text = uri.OriginalString;

        // Stryker disable once String,Block,Statement : a layered guard (see above): a later guard gives the same key.
        if (!text[scheme.Length..].StartsWith("://", StringComparison.Ordinal))
        {
            return TryFormatFromParts(uri, destination, out written);
        }

        ReadOnlySpan<char> authority = text[(scheme.Length + 3)..];
        int end = authority.IndexOfAny(AuthorityEnd);

        // Stryker disable once Equality : end == 0 is an empty authority, which no http(s) Uri has.
        authority = end < 0 ? authority : authority[..end];
        ReadOnlySpan<char> host = authority;
        int colon = authority.LastIndexOf(':');

        // Stryker disable once Equality : colon == 0 is an empty host, which no http(s) Uri has.
        if (colon >= 0)
        {
            host = authority[..colon];
            if (!int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port))
            {
                return TryFormatFromParts(uri, destination, out written);
            }
        }

        // Stryker disable once Block,Statement : a layered guard (see above): a later guard gives the same key.
        if (host.ContainsAnyExcept(PlainHost))
        {
            return TryFormatFromParts(uri, destination, out written);
        }

        return TryWrite(scheme, host, port, destination, out written);
    }

    private static bool TryFormatFromParts(Uri uri, Span<char> destination, out int written) =>
        TryWrite(uri.Scheme, uri.Host, uri.Port, destination, out written);

    // Written part by part: an interpolated int would be boxed by unoptimized (Debug, tier-0) code.
    private static bool TryWrite(string scheme, ReadOnlySpan<char> host, int port, Span<char> destination, out int written)
    {
        written = 0;
        int length = scheme.Length + 3 + host.Length + 1;

        // Too long for the buffer. At length == destination.Length the port's TryFormat fails instead.
        // Stryker disable once Equality : see the comment above: false either way.
        if (length >= destination.Length)
        {
            // Stryker disable once Boolean : an empty key reported as written misses the table like any key no Uri has.
            return false;
        }

        scheme.CopyTo(destination);
        "://".CopyTo(destination[scheme.Length..]);
        host.CopyTo(destination[(scheme.Length + 3)..]);
        destination[length - 1] = ':';
        if (!port.TryFormat(destination[length..], out int digits, provider: System.Globalization.CultureInfo.InvariantCulture))
        // Stryker disable once Block,Boolean : an empty key, or one cut after the ':', misses the table like any key no Uri has.
        {
            return false;
        }

        written = length + digits;
        return true;
    }

    // A new host's state, provisional until Add puts it in the table.
    private HostState Create(Uri uri, string authority, long now, ResilientHttpOptions options)
    {
        int max = options.CircuitBreaker.MaxTrackedHosts;
        bool reported = _reported.ContainsKey(authority);
        if (!reported && Volatile.Read(ref _reportedCount) < max && _reported.TryAdd(authority, 0))
        {
            Interlocked.Increment(ref _reportedCount);
            reported = true;
        }

        int capacity = RetryBudget.CapacityFor(options.Retry);
        var created = reported
            ? new HostState(authority, capacity, now, uri.Host, uri.Port, provisional: true)
            : new HostState(authority, capacity, now, provisional: true);
        if (_fleet is not null)
        {
            // The fleet's bucket has the size of this client's own.
            created.Fleet = _fleet.Join(_client, created, capacity, _time);
        }

        return created;
    }

    private HostState Add(HostState created, int max)
    {
        // Another thread added it first; if it is already evicted again, this call is served untracked.
        if (!_hosts.TryAdd(created.Authority, created))
        // Stryker disable once Block,Conditional : race-only (another thread's add, and an eviction in between).
        {
            return _hosts.TryGetValue(created.Authority, out HostState? existing) ? existing : created;
        }

        created.Admitted();

        // Stryker disable once Equality : at exactly max, Evict finds no excess and returns; the check spares the gate.
        if (Interlocked.Increment(ref _count) > max)
        {
            Evict(max, created);
        }

        return created;
    }

    private void Evict(int max, HostState keep)
    {
        // One evictor at a time; a caller that finds the gate taken leaves the work to its holder.
        if (!_evictionGate.TryEnter())
        {
            return;
        }

        try
        {
            // The excess is gone only when another evictor ran between this add and the gate.
            // Stryker disable Equality,Block,Statement : race-only, see the comment above.
            int excess = Count - max;
            if (excess <= 0)
            {
                return;
            }

            // Stryker restore Equality,Block,Statement

            // Evict a quarter of the table at once, so that a stream of new hosts pays for a scan and
            // a sort only every max/4 additions.
            int target = Math.Max(excess, max / 4);
            int count = 0;
            foreach (KeyValuePair<string, HostState> entry in _hosts)
            {
                if (entry.Value != keep && entry.Value.Circuit.State == CircuitState.Closed)
                {
                    if (count == _idle.Length)
                    {
                        Array.Resize(ref _idle, Math.Max(16, count * 2));
                        Array.Resize(ref _idleSince, _idle.Length);
                    }

                    _idle[count] = entry.Value;
                    _idleSince[count++] = entry.Value.LastUsed;
                }
            }

            // Longest idle first: the target oldest moved to the front (a selection, not a sort), in arrays kept
            // between evictions.
            int evict = Math.Min(target, count);
            SelectOldest(_idleSince, _idle, count, evict);
            for (int i = 0; i < evict; i++)
            {
                HostState host = _idle[i];
                if (host.Circuit.State == CircuitState.Closed && _hosts.TryRemove(new KeyValuePair<string, HostState>(host.Authority, host)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            // The work array lets go of the hosts it listed, evicted ones included, until the next eviction.
            // Stryker disable once Statement : what it holds on to is only memory, for the GC to see.
            Array.Clear(_idle, 0, count);

            // Every other entry is open or half-open: the newcomer is served, but not remembered.
            if (Count > max && _hosts.TryRemove(new KeyValuePair<string, HostState>(keep.Authority, keep)))
            {
                Interlocked.Decrement(ref _count);
            }
        }
        finally
        {
            _evictionGate.Exit();
        }
    }

    /// <summary>
    /// Reorders the first <paramref name="count"/> entries so that the <paramref name="k"/> with the smallest keys come
    /// first, in any order (quickselect, linear on average).
    /// </summary>
    internal static void SelectOldest(long[] keys, HostState[] items, int count, int k)
    {
        int low = 0;
        int high = count - 1;

        // The boundary k stays within [low, high] (low ≤ k ≤ high once inside); the loop ends when it is at an end.
        while (low < high && k > low && k <= high)
        {
            long pivot = keys[low + ((high - low) / 2)];
            int i = low;
            int j = high;
            while (i <= j)
            {
                while (keys[i] < pivot)
                {
                    i++;
                }

                while (keys[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }

            // [low, j] holds keys ≤ pivot, [i, high] keys ≥ pivot: carry on in the part the boundary k falls in.
            if (k <= j)
            {
                high = j;
            }
            // Stryker disable once Equality : at k == i, [low, i) ≤ pivot ≤ [i, high] already: returning is as right as going on.
            else if (k >= i)
            {
                low = i;
            }
            else
            {
                return;
            }
        }
    }
}
