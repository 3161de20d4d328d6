namespace ResilientHttp;

/// <summary>
/// K1, K2: every option of one client's entry, described once. The schema walk (unknown keys, unreadable values),
/// the validator (ranges) and the README's options table all come from these rows; a test checks the table against
/// the README and every default against a new <see cref="ResilientHttpOptions"/>.
/// </summary>
internal static class OptionTable
{
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    /// <summary>Gets every option, in the README's order.</summary>
    public static IReadOnlyList<OptionRow> Rows { get; } =
    [
        new("AttemptTimeout", OptionKind.OptionalDuration, TimeSpan.FromSeconds(10), "10 s", "none (`null`), or 1 ms to 1 day",
            o => o.AttemptTimeout, (c, o) => c.Duration("AttemptTimeout", o.AttemptTimeout, OneMillisecond, OneDay, optional: true)),
        new("TotalTimeout", OptionKind.OptionalDuration, null, "none", "none, or 1 ms to 1 day, not below `AttemptTimeout`",
            o => o.TotalTimeout, (c, o) => c.Duration("TotalTimeout", o.TotalTimeout, OneMillisecond, OneDay, optional: true)),
        new("Retry:Enabled", OptionKind.Boolean, true, "true", "", o => o.Retry.Enabled),
        new("Retry:MaxAttempts", OptionKind.Integer, 4, "4 (the first send included)", "1 to 10",
            o => o.Retry.MaxAttempts, (c, o) => c.Range("Retry:MaxAttempts", o.Retry.MaxAttempts, 1, 10)),
        new("Retry:BaseDelay", OptionKind.Duration, TimeSpan.FromSeconds(1), "1 s", "0 to 1 day",
            o => o.Retry.BaseDelay, (c, o) => c.Duration("Retry:BaseDelay", o.Retry.BaseDelay, TimeSpan.Zero, OneDay)),
        new("Retry:MaxDelay", OptionKind.Duration, TimeSpan.FromSeconds(30), "30 s", "`BaseDelay` to 1 day",
            o => o.Retry.MaxDelay, (c, o) => c.Duration("Retry:MaxDelay", o.Retry.MaxDelay, o.Retry.BaseDelay, OneDay, lowerName: "BaseDelay")),
        new("Retry:JitterFactor", OptionKind.Number, 0.5, "0.5", "0 to 1",
            o => o.Retry.JitterFactor, (c, o) => c.Range("Retry:JitterFactor", o.Retry.JitterFactor, 0, 1)),
        new("Retry:RetryStatusCodes", OptionKind.StatusCodes, new[] { 429, 502, 503, 504 }, "429, 502, 503, 504", "codes 100 to 599",
            o => o.Retry.RetryStatusCodes, (c, o) => c.StatusCodes("Retry:RetryStatusCodes", o.Retry.RetryStatusCodes)),
        new("Retry:HonorRetryAfter", OptionKind.Boolean, true, "true", "", o => o.Retry.HonorRetryAfter),
        new("Retry:HonorRateLimitHeaders", OptionKind.Boolean, true, "true", "", o => o.Retry.HonorRateLimitHeaders),
        new("Retry:MaxRetryAfter", OptionKind.Duration, TimeSpan.FromSeconds(30), "30 s", "0 to 1 day",
            o => o.Retry.MaxRetryAfter, (c, o) => c.Duration("Retry:MaxRetryAfter", o.Retry.MaxRetryAfter, TimeSpan.Zero, OneDay)),
        new("Retry:UnsafeMethods", OptionKind.Methods, UnsafeMethodRetry.IfIdempotencyKey, "`IfIdempotencyKey`", "`Never`, `IfIdempotencyKey`, `Always`",
            o => o.Retry.UnsafeMethods),
        new("Retry:IdempotencyKeyHeader", OptionKind.Text, "Idempotency-Key", "`Idempotency-Key`", "a valid header name",
            o => o.Retry.IdempotencyKeyHeader, (c, o) => c.HeaderName("Retry:IdempotencyKeyHeader", o.Retry.IdempotencyKeyHeader)),
        new("Retry:AddIdempotencyKey", OptionKind.Boolean, false, "false", "", o => o.Retry.AddIdempotencyKey),
        new("Retry:MaxBufferedBodyBytes", OptionKind.Long, 1024L * 1024, "1 MiB", "0 to 2 GiB",
            o => o.Retry.MaxBufferedBodyBytes, (c, o) => c.Range("Retry:MaxBufferedBodyBytes", o.Retry.MaxBufferedBodyBytes, 0, 2L * 1024 * 1024 * 1024)),
        new("Retry:Budget:Enabled", OptionKind.Boolean, true, "true", "", o => o.Retry.Budget.Enabled),
        new("Retry:Budget:Ratio", OptionKind.Number, 0.1, "0.1", "0 to 1",
            o => o.Retry.Budget.Ratio, (c, o) => c.Range("Retry:Budget:Ratio", o.Retry.Budget.Ratio, 0, 1)),
        new("Retry:Budget:Capacity", OptionKind.Integer, 3, "3 (the bucket never holds less than `MaxAttempts` − 1)", "1 to 1,000",
            o => o.Retry.Budget.Capacity, (c, o) => c.Range("Retry:Budget:Capacity", o.Retry.Budget.Capacity, 1, 1000)),
        new("CircuitBreaker:Enabled", OptionKind.Boolean, true, "true", "", o => o.CircuitBreaker.Enabled),
        new("CircuitBreaker:FailureThreshold", OptionKind.Integer, 5, "5", "1 to 1,000",
            o => o.CircuitBreaker.FailureThreshold, (c, o) => c.Range("CircuitBreaker:FailureThreshold", o.CircuitBreaker.FailureThreshold, 1, 1000)),
        new("CircuitBreaker:BreakDuration", OptionKind.Duration, TimeSpan.FromMilliseconds(250), "250 ms (the first break)", "1 ms to 1 day",
            o => o.CircuitBreaker.BreakDuration, (c, o) => c.Duration("CircuitBreaker:BreakDuration", o.CircuitBreaker.BreakDuration, OneMillisecond, OneDay)),
        new("CircuitBreaker:MaxBreakDuration", OptionKind.Duration, TimeSpan.FromMilliseconds(500), "500 ms (each failed probe doubles the break, up to this)", "1 ms to 1 day; at or below `BreakDuration` means no growth",
            o => o.CircuitBreaker.MaxBreakDuration, (c, o) => c.Duration("CircuitBreaker:MaxBreakDuration", o.CircuitBreaker.MaxBreakDuration, OneMillisecond, OneDay)),
        new("CircuitBreaker:BreakJitterFactor", OptionKind.Number, 0.2, "0.2 (each break spread uniformly by ±20%)", "0 to 1",
            o => o.CircuitBreaker.BreakJitterFactor, (c, o) => c.Range("CircuitBreaker:BreakJitterFactor", o.CircuitBreaker.BreakJitterFactor, 0, 1)),
        new("CircuitBreaker:FailureStatusCodes", OptionKind.StatusCodes, new[] { 500, 502, 503, 504 }, "500, 502, 503, 504", "codes 100 to 599",
            o => o.CircuitBreaker.FailureStatusCodes, (c, o) => c.StatusCodes("CircuitBreaker:FailureStatusCodes", o.CircuitBreaker.FailureStatusCodes)),
        new("CircuitBreaker:MaxTrackedHosts", OptionKind.Integer, 1024, "1,024 per client", "1 to 1,000,000",
            o => o.CircuitBreaker.MaxTrackedHosts, (c, o) => c.Range("CircuitBreaker:MaxTrackedHosts", o.CircuitBreaker.MaxTrackedHosts, 1, 1_000_000)),
        new("Deadline:SendHeader", OptionKind.Boolean, false, "false (on: each attempt sends `Request-Timeout-Ms` and `Resend-Count`)", "", o => o.Deadline.SendHeader),
        new("Hedging:Enabled", OptionKind.Boolean, false, "false (on: an attempt unanswered after `Hedging.Delay` is sent again beside it; the first answer wins)", "", o => o.Hedging.Enabled),
        new("Hedging:Delay", OptionKind.OptionalDuration, null, "adaptive (`null`): the host's observed 95th-percentile latency, 1 ms to 5 s", "adaptive (`null`), or 1 ms to 1 day",
            o => o.Hedging.Delay, (c, o) => c.Duration("Hedging:Delay", o.Hedging.Delay, OneMillisecond, OneDay, optional: true)),
        new("Hedging:MaxHedgedAttempts", OptionKind.Integer, 1, "1 (hedges in flight beside one attempt)", "1 to 5",
            o => o.Hedging.MaxHedgedAttempts, (c, o) => c.Range("Hedging:MaxHedgedAttempts", o.Hedging.MaxHedgedAttempts, 1, 5)),
        new("FaultInjection:Enabled", OptionKind.Boolean, false, "false (on: faults are injected below the breaker, for staging)", "", o => o.FaultInjection.Enabled),
        new("FaultInjection:FaultRate", OptionKind.Number, 0.0, "0 (share of attempts answered with one of `StatusCodes`)", "0 to 1",
            o => o.FaultInjection.FaultRate, (c, o) => c.Range("FaultInjection:FaultRate", o.FaultInjection.FaultRate, 0, 1)),
        new("FaultInjection:LatencyRate", OptionKind.Number, 0.0, "0 (share of attempts held for `Latency` before they are sent)", "0 to 1",
            o => o.FaultInjection.LatencyRate, (c, o) => c.Range("FaultInjection:LatencyRate", o.FaultInjection.LatencyRate, 0, 1)),
        new("FaultInjection:Latency", OptionKind.Duration, TimeSpan.FromSeconds(1), "1 s", "0 to 1 day",
            o => o.FaultInjection.Latency, (c, o) => c.Duration("FaultInjection:Latency", o.FaultInjection.Latency, TimeSpan.Zero, OneDay)),
        new("FaultInjection:StatusCodes", OptionKind.StatusCodes, new[] { 503 }, "503", "codes 100 to 599",
            o => o.FaultInjection.StatusCodes, (c, o) => c.StatusCodes("FaultInjection:StatusCodes", o.FaultInjection.StatusCodes)),
    ];

    /// <summary>Gets the sections the options sit in, such as <c>Retry</c> and <c>Retry:Budget</c>.</summary>
    public static IReadOnlyList<string> Sections { get; } =
    [
        .. Rows.SelectMany(r => Prefixes(r.Path)).Distinct(StringComparer.OrdinalIgnoreCase),
    ];

    /// <summary>Renders the README's options table.</summary>
    public static string MarkdownTable() =>
        "| option | default | range |\n| --- | --- | --- |\n" +
        string.Concat(Rows.Select(r => r.RangeText.Length == 0 ? $"| `{r.DottedName}` | {r.DefaultText} | |\n" : $"| `{r.DottedName}` | {r.DefaultText} | {r.RangeText} |\n"));

    private static IEnumerable<string> Prefixes(string path)
    {
        for (int split = path.IndexOf(':', StringComparison.Ordinal); split > 0; split = path.IndexOf(':', split + 1))
        {
            yield return path[..split];
        }
    }
}
