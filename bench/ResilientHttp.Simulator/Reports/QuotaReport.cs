using System.Text;

namespace ResilientHttp.Simulator;

/// <summary>The quota herd's section of docs/fleet-safety.md: what each policy collected from a server that announces its quota.</summary>
internal sealed class QuotaReport(IReadOnlyList<QuotaResult> quota)
{
    /// <summary>Gets whether there is anything to report.</summary>
    public bool IsEmpty => quota.Count == 0;

    /// <summary>Appends the section.</summary>
    public void Write(StringBuilder md)
    {
        void Line(string text = "") => md.Append(text).Append('\n');

        QuotaSettings first = quota[0].Settings;
        Line("## Quota herd: a server that announces its quota (P1)");
        Line();
        Line($"{first.Clients:N0} clients start within {first.StartSpread.TotalMilliseconds:0} ms; each makes {first.CallsPerClient} calls, one after another (the next as soon as the last one");
        Line("ended; a call that fails is not made again), against a fixed-window quota that answers at once: 200 while the window has");
        Line("calls left, 429 beyond them, never `Retry-After`. Every answer says how many calls are left, and one that says none is");
        Line("(the 200 that takes the last call, and every 429) says the whole seconds until the window resets, rounded up, as");
        Line("`RateLimit: \"window\";r=0;t=2` does: the outcome carries `QuotaReset`, which `RetryStrategy.RecordPause` turns into the");
        Line("client's `HostPacing` exactly like a `Retry-After`. Run twice: with a quota per client (each client its own key, as");
        Line($"GitHub, OpenAI and Anthropic count), {first.CallsPerWindowPerClient} calls per {first.Window.TotalSeconds:0} s each, and with one quota for the whole fleet, {first.CallsPerWindowPerClient * first.Clients} calls per {first.Window.TotalSeconds:0} s");
        Line("(the same total). **429s per call**: 429 answers collected ÷ calls made; **waited per call**: time a call spent in the");
        Line("library's waits (backoff and the host's pauses), on average; **all done at**: when the last client finished its calls.");
        Line("*No retries* still paces from the headers (a host's pause does not depend on `Retry.Enabled`); *no retries, rate-limit");
        Line("headers ignored* is a client without the library.");
        Line();
        Line("| quota | policy | 429s per call | success | sends per call | waited per call | all done at |");
        Line("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (QuotaResult r in quota)
        {
            Line($"| {r.Settings} | {r.Policy} | {Format.Ratio(r.TooManyRequestsPerCall)} | {Format.Percent(r.SuccessFraction)} | {Format.Ratio(r.SendsPerCall)} | {Format.Number(r.WaitSecondsPerCall)} s | {(double.IsPositiveInfinity(r.DoneSeconds) ? "∞" : Format.Number(r.DoneSeconds) + " s")} |");
        }

        Line();
    }
}
