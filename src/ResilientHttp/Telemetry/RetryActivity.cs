using System.Diagnostics;

namespace ResilientHttp;

/// <summary>T3: retry decisions recorded on the caller's current <see cref="Activity"/>, with OpenTelemetry's resend count.</summary>
internal static class RetryActivity
{
    public const string ResendCount = "http.request.resend_count";

    /// <summary>Records a decision to send again: the resend number it starts and why.</summary>
    public static void Retry(int resend, in AttemptOutcome outcome, TimeSpan wait)
    {
        if (Activity.Current is not { IsAllDataRequested: true } activity)
        {
            return;
        }

        activity.SetTag(ResendCount, resend);
        activity.AddEvent(new ActivityEvent("resilienthttp.retry", tags: new ActivityTagsCollection
        {
            [ResendCount] = resend,
            ["resilienthttp.outcome"] = Describe(outcome),
            ["resilienthttp.wait_ms"] = wait.TotalMilliseconds,
        }));
    }

    /// <summary>Records a hedge sent beside an attempt unanswered after <paramref name="delay"/>.</summary>
    public static void Hedge(int hedge, TimeSpan delay)
    {
        if (Activity.Current is not { IsAllDataRequested: true } activity)
        {
            return;
        }

        activity.AddEvent(new ActivityEvent("resilienthttp.hedge", tags: new ActivityTagsCollection
        {
            ["resilienthttp.hedge"] = hedge,
            ["resilienthttp.delay_ms"] = delay.TotalMilliseconds,
        }));
    }

    /// <summary>Records a decision not to retry a failed attempt, and why.</summary>
    public static void GiveUp(int attempts, in AttemptOutcome outcome, RetryDecisionReason reason)
    {
        if (Activity.Current is not { IsAllDataRequested: true } activity)
        {
            return;
        }

        activity.AddEvent(new ActivityEvent("resilienthttp.give_up", tags: new ActivityTagsCollection
        {
            [ResendCount] = attempts - 1,
            ["resilienthttp.outcome"] = Describe(outcome),
            ["resilienthttp.reason"] = reason.ToString(),
        }));
    }

    private static string Describe(in AttemptOutcome outcome) =>
        outcome.IsResponse ? outcome.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.Kind.ToString();
}
