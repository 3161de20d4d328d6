using CsCheck;

namespace ResilientHttp.Tests.Reliability;

/// <summary>
/// Properties of the decision core over random outcomes, attempts, options and call facts: whatever comes
/// in, a retry is only ever decided when every rule allows it, its wait stays within its bounds, and the
/// budget pays exactly for the retries decided.
/// </summary>
public sealed class DecisionPropertyTests
{
    private static readonly int[] Statuses = [200, 201, 204, 301, 400, 401, 403, 404, 408, 409, 422, 429, 500, 501, 502, 503, 504, 599];

    private static readonly Gen<RetryOptions> GenRetryOptions =
        Gen.Select(Gen.Int[1, 10], Gen.Long[0, TimeSpan.TicksPerMinute], Gen.Long[0, TimeSpan.TicksPerHour], Gen.Double[0, 1], Gen.Long[0, TimeSpan.TicksPerHour])
            .Select(Gen.Bool, Gen.Int[0, 2], Gen.Bool, Gen.Int[1, 20])
            .Select(x =>
            {
                ((int maxAttempts, long baseTicks, long extraTicks, double jitter, long maxRetryAfterTicks), bool honor, int unsafeMethods, bool budget, int capacity) = x;
                return new RetryOptions
                {
                    MaxAttempts = maxAttempts,
                    BaseDelay = TimeSpan.FromTicks(baseTicks),
                    MaxDelay = TimeSpan.FromTicks(baseTicks + extraTicks),
                    JitterFactor = jitter,
                    HonorRetryAfter = honor,
                    MaxRetryAfter = TimeSpan.FromTicks(maxRetryAfterTicks),
                    UnsafeMethods = (UnsafeMethodRetry)unsafeMethods,
                    Budget = new RetryBudgetOptions { Enabled = budget, Capacity = capacity },
                };
            });

    private static readonly Gen<AttemptOutcome> GenOutcome =
        Gen.Select(Gen.Enum<OutcomeKind>(), Gen.Int[0, Statuses.Length - 1], Gen.Long[-TimeSpan.TicksPerDay, TimeSpan.TicksPerDay])
            .Select((kind, status, retryAfter) => kind == OutcomeKind.Response
                ? AttemptOutcome.Status(Statuses[status], retryAfter >= 0 ? TimeSpan.FromTicks(retryAfter) : null)
                : AttemptOutcome.Of(kind));

    private static readonly Gen<CallFacts> GenFacts =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool).Select((allowed, safe, replayable) => new CallFacts(allowed, safe, replayable));

    [Fact]
    public void Decide_AnyInputs_RetriesOnlyWhenEveryRuleAllowsItAndWaitsWithinBounds()
    {
        Gen.Select(GenOutcome, Gen.Int[1, 12], GenFacts, GenRetryOptions, Gen.Long[-TimeSpan.TicksPerHour, TimeSpan.TicksPerHour])
            .Select(Gen.Double[0, 0.9999999], Gen.Long[0, TimeSpan.TicksPerHour], Gen.Int[0, 3])
            .Sample(x =>
            {
                ((AttemptOutcome outcome, int attempt, CallFacts call, RetryOptions options, long remainingTicks), double draw, long blockedTicks, int tokens) = x;
                TimeSpan? remaining = remainingTicks >= 0 ? TimeSpan.FromTicks(remainingTicks) : null;
                var blocked = TimeSpan.FromTicks(blockedTicks);
                RetryBudget budget = BudgetWith(tokens, options.Budget.Capacity);
                double before = budget.Tokens;

                RetryDecision decision = RetryStrategy.Decide(outcome, attempt, call, options, remaining, budget, new FixedRandom(draw), blocked);

                if (!decision.ShouldRetry)
                {
                    decision.Delay.ShouldBe(TimeSpan.Zero);
                    budget.Tokens.ShouldBe(before, "a retry not made costs nothing");
                    return;
                }

                OutcomeClassifier.IsRetriable(outcome, options).ShouldBeTrue();
                outcome.Kind.ShouldNotBeOneOf(OutcomeKind.Canceled, OutcomeKind.CircuitOpen, OutcomeKind.OtherException);
                attempt.ShouldBeLessThan(options.MaxAttempts);
                call.RetriesAllowed.ShouldBeTrue();
                call.BodyReplayable.ShouldBeTrue();
                (call.SafeToResend || outcome.Kind == OutcomeKind.ConnectFailure).ShouldBeTrue("an unsafe request is resent only when nothing was sent");
                decision.Delay.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
                decision.Delay.ShouldBeGreaterThanOrEqualTo(blocked, "no retry the open circuit would refuse");
                if (remaining is { } left)
                {
                    decision.Delay.ShouldBeLessThan(left, "no retry whose wait ends past the deadline");
                }

                if (decision.FromRetryAfter)
                {
                    TimeSpan asked = outcome.RetryAfter!.Value;
                    options.HonorRetryAfter.ShouldBeTrue();
                    asked.ShouldBeLessThanOrEqualTo(options.MaxRetryAfter);
                    decision.Delay.ShouldBeGreaterThanOrEqualTo(asked, "never sooner than the host asked");
                    decision.Delay.Ticks.ShouldBeLessThanOrEqualTo(asked.Ticks + (long)Math.Ceiling(Math.Max(asked.Ticks, options.BaseDelay.Ticks) * options.JitterFactor) + 1);
                }
                else
                {
                    decision.Delay.ShouldBeLessThanOrEqualTo(options.MaxDelay);
                }

                budget.Tokens.ShouldBe(options.Budget.Enabled ? before - 1 : before, "a retry costs one token when the budget is on");
            }, iter: 20_000);
    }

    [Fact]
    public void Decide_ClientErrorStatuses_AreNeverRetriedWithTheDefaultOptions()
    {
        Gen.Select(Gen.Int[400, 499], Gen.Int[1, 3], Gen.Long[-TimeSpan.TicksPerMinute, TimeSpan.TicksPerMinute], Gen.Double[0, 0.9999999])
            .Where(x => x.Item1 != 429)
            .Sample((status, attempt, retryAfter, draw) =>
            {
                AttemptOutcome outcome = AttemptOutcome.Status(status, retryAfter >= 0 ? TimeSpan.FromTicks(retryAfter) : null);

                RetryDecision decision = RetryStrategy.Decide(outcome, attempt, new CallFacts(true, true, true), new RetryOptions(), null, null, new FixedRandom(draw));

                decision.ShouldRetry.ShouldBeFalse();
                decision.Reason.ShouldBe(RetryDecisionReason.NotRetriable);
            });
    }

    [Fact]
    public void ForBreaker_AnyOutcome_CountsAFailureOnlyForTheHostsOwnFaults()
    {
        Gen.Select(GenOutcome, Gen.Int[0, Statuses.Length - 1].Array[0, 4])
            .Sample((outcome, failureIndexes) =>
            {
                var options = new CircuitBreakerOptions { FailureStatusCodes = [.. failureIndexes.Select(i => Statuses[i])] };

                BreakerVerdict verdict = OutcomeClassifier.ForBreaker(outcome, options);

                bool hostFault = outcome.Kind is OutcomeKind.ConnectFailure or OutcomeKind.NetworkError or OutcomeKind.Timeout ||
                    (outcome.IsResponse && options.FailureStatusCodes.Contains(outcome.StatusCode));
                (verdict == BreakerVerdict.Failure).ShouldBe(hostFault);
                if (outcome.Kind is OutcomeKind.Canceled or OutcomeKind.CircuitOpen or OutcomeKind.OtherException)
                {
                    verdict.ShouldBe(BreakerVerdict.Abandoned, "the caller's cancellation or a refusal says nothing about the host");
                }
            });
    }

    [Fact]
    public void Backoff_AfterRetryAfter_IsNeverSoonerThanAskedAndSpreadsAtMostTheJitter()
    {
        Gen.Select(Gen.Long[0, TimeSpan.TicksPerDay * 365], Gen.Long[0, TimeSpan.TicksPerDay], Gen.Double[0, 1], Gen.Double[0, 0.9999999])
            .Sample((askedTicks, baseTicks, jitter, draw) =>
            {
                TimeSpan wait = Backoff.AfterRetryAfter(TimeSpan.FromTicks(askedTicks), TimeSpan.FromTicks(baseTicks), jitter, draw);

                wait.Ticks.ShouldBeGreaterThanOrEqualTo(askedTicks);
                wait.Ticks.ShouldBeLessThanOrEqualTo(askedTicks + (long)Math.Ceiling(Math.Max(askedTicks, baseTicks) * jitter) + 1);
            });
    }

    [Fact]
    public void Backoff_Compute_GrowsWithTheRetryNumberForTheSameDraw()
    {
        Gen.Select(Gen.Int[1, 30], Gen.Long[1, TimeSpan.TicksPerMinute], Gen.Long[0, TimeSpan.TicksPerHour], Gen.Double[0, 1], Gen.Double[0, 0.9999999])
            .Sample((retry, baseTicks, extraTicks, jitter, draw) =>
            {
                var baseDelay = TimeSpan.FromTicks(baseTicks);
                var maxDelay = TimeSpan.FromTicks(baseTicks + extraTicks);

                TimeSpan now = Backoff.Compute(retry, baseDelay, maxDelay, jitter, draw);
                TimeSpan next = Backoff.Compute(retry + 1, baseDelay, maxDelay, jitter, draw);

                next.Ticks.ShouldBeGreaterThanOrEqualTo(now.Ticks - 1, "a later retry never waits less for the same draw");
            });
    }

    private static RetryBudget BudgetWith(int tokens, int capacity)
    {
        var budget = new RetryBudget(capacity);
        while (budget.Tokens > tokens && budget.TryWithdraw())
        {
        }

        return budget;
    }
}
