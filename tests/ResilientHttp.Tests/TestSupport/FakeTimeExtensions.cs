namespace ResilientHttp.Tests;

internal static class FakeTimeExtensions
{
    /// <summary>Waits, without moving the fake clock, until asynchronous work has reached a point.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        condition().ShouldBeTrue("the expected point was not reached");
    }
}
