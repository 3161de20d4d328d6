using System.Globalization;
using System.Text;

namespace ResilientHttp.Tests;

/// <summary>What a soak run did and found, computed from its calls, the chaos servers' receipts and the send log.</summary>
internal sealed class SoakFigures
{
    private readonly SendLog _sends;
    private readonly ILookup<string, ChaosReceipt> _receiptsByPath;

    public SoakFigures(TimeSpan duration, IReadOnlyList<SoakCall> calls, IReadOnlyList<ChaosServer> servers, SendLog sends)
    {
        Duration = duration;
        Calls = calls;
        Servers = servers;
        _sends = sends;
        Receipts = [.. servers.SelectMany(s => s.Receipts)];
        _receiptsByPath = Receipts.ToLookup(r => r.Path);
    }

    public TimeSpan Duration { get; }

    public IReadOnlyList<SoakCall> Calls { get; }

    public IReadOnlyList<ChaosServer> Servers { get; }

    public IReadOnlyList<ChaosReceipt> Receipts { get; }

    public int Callers { get; init; }

    public int MaxInFlight { get; init; }

    public int SocketsBefore { get; set; }

    public int SocketsPeak { get; init; }

    public int SocketsAtEnd { get; set; }

    public int SocketsAfterIdle { get; set; }

    public TimeSpan IdleWait { get; set; }

    public int SendsOf(SoakCall call) => _sends.SendsOf(call.Id).Count;

    /// <summary>Gets the client and chaos-server pairs without a successful call started after <paramref name="since"/> into the run.</summary>
    public IEnumerable<string> CircuitsWithoutSuccessSince(TimeSpan since)
    {
        long start = Calls.Min(c => c.Started);
        long cutoff = start + (long)(since.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        return
            from client in Calls.Select(c => c.Client).Distinct()
            from server in Servers
            where !Calls.Any(c => c.Client == client && c.Target.Authority == server.Address.Authority && c.Started >= cutoff && c.Status == 200)
            select $"{client} → {server.Address.Authority}";
    }

    /// <summary>Gets the POSTs without a key that reached a server more than once, with their body or any other.</summary>
    public IEnumerable<string> DuplicatedUnsafeCalls =>
        Calls.Where(c => c.Kind == SoakCallKind.PostWithoutKey && ReceiptsOf(c).Count() > 1)
            .Select(c => $"{c.Id} {c.Target} received {ReceiptsOf(c).Count()} times ({ReceiptsOf(c).Count(r => r.BodyHash == c.BodyHash)} with its body): {string.Join(", ", ReceiptsOf(c).Select(r => r.Fault))}");
    /// <summary>Gets the keyed POSTs whose attempts did not all carry the call's one key.</summary>
    public IEnumerable<string> KeyedPostsWithSeveralKeys =>
        Calls.Where(c => c.Kind == SoakCallKind.PostWithKey && ReceiptsOf(c).Any(r => r.IdempotencyKey != $"key-{c.Id}"))
            .Select(c => $"{c.Id} keys {string.Join(", ", ReceiptsOf(c).Select(r => r.IdempotencyKey))}");

    /// <summary>Gets the calls the server received more often than the resilient handler sent them (resends below it).</summary>
    public int ResentBelowTheHandler => Calls.Count(c => ReceiptsOf(c).Count() > _sends.SendsOf(c.Id).Count);

    /// <summary>Describes what happened to one call, relative to its start: sends, receipts, cancellation, end.</summary>
    public string Describe(SoakCall call)
    {
        string At(long timestamp) => $"{System.Diagnostics.Stopwatch.GetElapsedTime(call.Started, timestamp).TotalMilliseconds:0.0} ms";
        return $"{call.Client} {call.Target}: sends at {string.Join(", ", _sends.SendsOf(call.Id).Select(At))}; " +
            $"answers {string.Join(", ", ReceiptsOf(call).Select(r => r.Fault))}; " +
            (call.CanceledAt == 0 ? "" : $"cancelled at {At(call.CanceledAt)}; ") +
            $"ended at {At(call.Ended)} with {(call.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : call.Status.ToString(CultureInfo.InvariantCulture))}";
    }

    /// <summary>A call ends with a response, an HttpRequestException, a timeout, or a cancellation its caller asked for.</summary>
    public static bool IsClearEnding(SoakCall call) => call.Error switch
    {
        null => call.Status > 0,
        TaskCanceledException { InnerException: TimeoutException } => true,
        OperationCanceledException => call.CanceledAt != 0,
        HttpRequestException => true,
        _ => false,
    };

    /// <summary>Gets the cancelled calls with an attempt that started later than <paramref name="tolerance"/> after the cancellation.</summary>
    public IEnumerable<SoakCall> SendsAfterCancel(TimeSpan tolerance) =>
        Calls.Where(c => c.CanceledAt != 0 &&
            _sends.SendsOf(c.Id).Any(s => s - c.CanceledAt > tolerance.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        SoakCall[] canceled = [.. Calls.Where(c => c.CancelLatency is not null)];
        Line(text, "| figure | value |");
        Line(text, "| --- | --- |");
        Row(text, "run", $"{Duration.TotalSeconds:0} s, {Callers} concurrent callers, 3 client names, 4 hosts (3 chaos servers, 1 refused port)");
        Row(text, "calls", $"{Calls.Count:N0} ({string.Join(", ", Calls.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}"))})");
        Row(text, "calls in flight at most", $"{MaxInFlight} (servers: {string.Join(", ", Servers.Select(s => s.MaxInFlight))})");
        Row(text, "requests received by the servers", $"{Receipts.Count:N0} over {Servers.Sum(s => s.Connections):N0} connections");
        Row(text, "faults injected", string.Join(", ", Receipts.GroupBy(r => r.Fault).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}")));
        Row(text, "call endings", string.Join(", ", Calls.GroupBy(Ending).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}")));
        Row(text, "longest call (not cancelled)", Format(Calls.Where(c => c.CancelLatency is null).Max(c => c.Elapsed)));
        Row(text, "cancelled by their caller in flight", $"{canceled.Length:N0} ({canceled.Count(EndedByCancellation):N0} ended by it), ended at most {Format(canceled.Select(c => c.CancelLatency!.Value).DefaultIfEmpty().Max())} after the cancellation");
        Row(text, "attempts started more than 50 ms after a cancellation", SendsAfterCancel(TimeSpan.FromMilliseconds(50)).Count().ToString(CultureInfo.InvariantCulture));
        Row(text, "most sends of one call", Calls.Max(SendsOf).ToString(CultureInfo.InvariantCulture));
        Row(text, "POSTs without key received twice", DuplicatedUnsafeCalls.Count().ToString(CultureInfo.InvariantCulture));
        Row(text, "POSTs without key the server received but never answered (the caller got the error, no resend)", Calls.Count(c =>
            c.Kind == SoakCallKind.PostWithoutKey && c.Error is not null &&
            ReceiptsOf(c).Any(r => r.Fault is ChaosFault.Reset or ChaosFault.Stall or ChaosFault.AbortMidBody)).ToString(CultureInfo.InvariantCulture));
        Row(text, "keyed POSTs with differing keys", KeyedPostsWithSeveralKeys.Count().ToString(CultureInfo.InvariantCulture));
        Row(text, "calls received more often than sent (resent below the handler)", ResentBelowTheHandler.ToString(CultureInfo.InvariantCulture));
        Row(text, "hung calls", Calls.Count(c => c.Hung).ToString(CultureInfo.InvariantCulture));
        Row(text, "open sockets: before, peak, end of run, after the 2 s idle timeout", $"{SocketsBefore}, {SocketsPeak}, {SocketsAtEnd}, {SocketsAfterIdle} (reached in {IdleWait.TotalSeconds:0.0} s)");
        return text.ToString();
    }

    private static bool EndedByCancellation(SoakCall call) =>
        call.Error is OperationCanceledException and not TaskCanceledException { InnerException: TimeoutException };

    private IEnumerable<ChaosReceipt> ReceiptsOf(SoakCall call) => _receiptsByPath[call.Target.AbsolutePath];

    private static string Ending(SoakCall call) => call.Error switch
    {
        null => call.Status.ToString(CultureInfo.InvariantCulture),
        CircuitOpenException => "CircuitOpenException",
        TaskCanceledException { InnerException: TimeoutException } => "timeout",
        HttpRequestException ex => $"HttpRequestException ({ex.HttpRequestError})",
        Exception ex => ex.GetType().Name,
    };

    private static string Format(TimeSpan value) => $"{value.TotalMilliseconds:N1} ms";

    private static void Row(StringBuilder text, string name, string value) => Line(text, $"| {name} | {value} |");

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
