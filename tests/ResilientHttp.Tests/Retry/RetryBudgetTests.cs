using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>R9: retries are paid from a token bucket per client and host; an empty bucket returns the last outcome.</summary>
public sealed class RetryBudgetTests
{
    [Fact]
    public void Budget_StartsFullAndPaysCapacityRetries()
    {
        var budget = new RetryBudget(capacity: 3);

        Enumerable.Range(0, 3).Select(_ => budget.TryWithdraw()).ShouldAllBe(paid => paid);
        budget.TryWithdraw().ShouldBeFalse();
    }

    [Theory]
    [InlineData(3, 4, 3)]
    [InlineData(3, 6, 5)]
    [InlineData(10, 4, 10)]
    [InlineData(1, 1, 1)]
    public void CapacityFor_IsTheCapacityButNeverLessThanOneCallsRetries(int capacity, int maxAttempts, int expected)
    {
        RetryBudget.CapacityFor(new RetryOptions { MaxAttempts = maxAttempts, Budget = new RetryBudgetOptions { Capacity = capacity } }).ShouldBe(expected);
    }

    [Fact]
    public async Task Send_MaxAttemptsAboveTheCapacity_AFreshBucketStillPaysEveryAttemptOfTheFirstCall()
    {
        using TestClient sut = TestClient.Create(o =>
        {
            (o.Retry.MaxAttempts, o.Retry.Budget.Capacity) = (6, 3);
            o.CircuitBreaker.Enabled = false;
        }).RespondStatuses(503);

        using (HttpResponseMessage first = await sut.GetAsync())
        {
            first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        using HttpResponseMessage second = await sut.GetAsync();

        sut.Sent.Count.ShouldBe(6 + 1, "the first call used the whole bucket; the second is sent once");
    }

    [Fact]
    public void Budget_EachSuccessAddsTheRatio()
    {
        var budget = new RetryBudget(capacity: 3);
        var options = new RetryBudgetOptions { Capacity = 3, Ratio = 0.1 };
        while (budget.TryWithdraw())
        {
        }

        for (int i = 0; i < 9; i++)
        {
            budget.Deposit(options.Ratio, options.Capacity);
        }

        budget.TryWithdraw().ShouldBeFalse();
        budget.Deposit(options.Ratio, options.Capacity);
        budget.TryWithdraw().ShouldBeTrue();
    }

    [Fact]
    public void Budget_NeverHoldsMoreThanItsCapacity()
    {
        var budget = new RetryBudget(capacity: 2);
        var options = new RetryBudgetOptions { Capacity = 2, Ratio = 1 };

        for (int i = 0; i < 100; i++)
        {
            budget.Deposit(options.Ratio, options.Capacity);
        }

        budget.Tokens.ShouldBe(2);
    }

    [Fact]
    public void Budget_ConcurrentWithdrawals_NeverPayMoreThanItHolds()
    {
        var budget = new RetryBudget(capacity: 100);

        int[] paid = Concurrently.Run(64, _ => Enumerable.Range(0, 10).Count(_ => budget.TryWithdraw()));

        paid.Sum().ShouldBe(100);
        budget.Tokens.ShouldBe(0);
    }

    [Fact]
    public async Task Send_AlwaysFailingHost_FirstCallSpendsTheBucketLaterCallsMakeOneAttemptEach()
    {
        using var sut = TestClient.Create(o => (o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (3, false)).RespondStatuses(503);

        using (HttpResponseMessage first = await sut.GetAsync())
        {
            first.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        sut.Sent.Count.ShouldBe(4);

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage later = await sut.GetAsync();
            later.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        sut.Sent.Count.ShouldBe(9);
    }

    [Fact]
    public async Task Send_SuccessfulCalls_RefillTheBucket()
    {
        int fail = 1;
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.Retry.Budget.Capacity, o.Retry.Budget.Ratio, o.CircuitBreaker.Enabled) = (2, 1, 0.5, false));
        sut.Handle((_, _) => Task.FromResult(new HttpResponseMessage(Volatile.Read(ref fail) == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        using (await sut.GetAsync())
        {
        }

        // Spent: 2 sends (one retry). Two successes earn one token back.
        Volatile.Write(ref fail, 0);
        using (await sut.GetAsync())
        using (await sut.GetAsync())
        {
        }

        Volatile.Write(ref fail, 1);
        using (await sut.GetAsync())
        {
        }

        sut.Sent.Count.ShouldBe(2 + 2 + 2);
    }

    [Fact]
    public async Task Send_Final500_DoesNotRefillTheBudget()
    {
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (2, 1, false)).RespondStatuses(503, 500);
        using (await sut.GetAsync())
        {
        }

        sut.Host.Budget.Tokens.ShouldBe(0);
    }

    [Fact]
    public async Task Send_BudgetDisabled_EveryCallMakesAllItsAttempts()
    {
        using var sut = TestClient.Create(o => (o.Retry.Budget.Enabled, o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (false, 1, false)).RespondStatuses(503);

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await sut.GetAsync();
        }

        sut.Sent.Count.ShouldBe(12);
    }

    [Fact]
    public async Task Send_OneHostsEmptyBucket_DoesNotStopRetriesToAnother()
    {
        using var sut = TestClient.Create(o => (o.Retry.MaxAttempts, o.Retry.Budget.Capacity, o.CircuitBreaker.Enabled) = (2, 1, false)).RespondStatuses(503);
        using (await sut.RunAsync(sut.Client.GetAsync("http://a.test/")))
        using (await sut.RunAsync(sut.Client.GetAsync("http://a.test/")))
        {
        }

        int before = sut.Sent.Count;
        using (await sut.RunAsync(sut.Client.GetAsync("http://b.test/")))
        {
        }

        before.ShouldBe(3);
        (sut.Sent.Count - before).ShouldBe(2);
    }
}
