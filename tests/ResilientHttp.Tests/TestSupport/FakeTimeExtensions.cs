namespace ResilientHttp.Tests;

internal static class FakeTimeExtensions
{
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Runs a call to completion on fake time: whenever the code under test waits, the clock moves
    /// straight to the next moment a timer is due. Nothing in the test sleeps through a backoff; the only
    /// real waiting is a few milliseconds for work released by a timer to reach its next wait.
    /// Fails after ten minutes of fake time or 10,000 steps.
    /// </summary>
    public static async Task<T> RunAsync<T>(this TestTimeProvider time, Task<T> call)
    {
        DateTimeOffset limit = time.GetUtcNow().AddMinutes(10);
        int seen = 0;
        await SettleAsync(time, call, seen).ConfigureAwait(false);

        // Bounded in steps too: a call that waits on nothing the clock can release must fail, not hang.
        for (int step = 0; !call.IsCompleted && time.GetUtcNow() < limit && step < 10_000; step++)
        {
            seen = time.TimersCreated;
            if (time.NextDue() is { } due && due > time.GetUtcNow())
            {
                time.SetUtcNow(due);
            }
            else if (time.NextDue() is not null)
            {
                time.Advance(TimeSpan.Zero);
            }

            await SettleAsync(time, call, seen).ConfigureAwait(false);
        }

        call.IsCompleted.ShouldBeTrue("the call did not complete within ten minutes of fake time");
        return await call.ConfigureAwait(false);
    }

    /// <summary>Waits, without moving the fake clock, until asynchronous work has reached a point.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        condition().ShouldBeTrue("the expected point was not reached");
    }

    // Work released by a timer runs on the thread pool; give it until it completes the call or starts
    // a new wait (or, when it only resumes an existing wait, a short while).
    private static async Task SettleAsync(TestTimeProvider time, Task call, int seen)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!call.IsCompleted && time.TimersCreated == seen && started.Elapsed < SettleLimit)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        // The new wait may be one of several the same step starts (an attempt timeout, then the send).
        await Task.Delay(2).ConfigureAwait(false);
    }
}
