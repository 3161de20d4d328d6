namespace ResilientHttp.Tests;

internal static class Catch
{
    /// <summary>
    /// Awaits a call expected to throw <typeparamref name="T"/> and returns the very exception thrown.
    /// (Shouldly rebuilds the exception of a cancelled task, losing its inner exception.)
    /// </summary>
    public static async Task<T> ExceptionAsync<T>(Func<Task> call)
        where T : Exception
    {
        try
        {
            await call();
        }
        catch (T expected)
        {
            return expected;
        }

        throw new ShouldAssertException($"{typeof(T).Name} was expected but the call completed.");
    }
}
