namespace ResilientHttp;

/// <summary>The capabilities every attempt of a client goes through, in order.</summary>
internal sealed class AttemptStrategies
{
    private AttemptStrategies(AttemptStrategy[] all)
    {
        All = all;
        Senders = [.. all.Where(s => Overrides(s, nameof(AttemptStrategy.OnSending)))];
        Readers = [.. all.Where(s => Overrides(s, nameof(AttemptStrategy.OnAnswered)))];
        Interceptors = [.. all.Where(s => Overrides(s, nameof(AttemptStrategy.Intercept)))];
    }

    /// <summary>Gets every strategy, in the order they see an attempt.</summary>
    public AttemptStrategy[] All { get; }

    /// <summary>Gets the strategies that see attempts go out (<see cref="AttemptStrategy.OnSending"/>), in order: a hook nobody overrides costs no call.</summary>
    public AttemptStrategy[] Senders { get; }

    /// <summary>Gets the strategies that read answers (<see cref="AttemptStrategy.OnAnswered"/>), in order.</summary>
    public AttemptStrategy[] Readers { get; }

    /// <summary>Gets the strategies that may answer below the breaker (<see cref="AttemptStrategy.Intercept"/>), in order.</summary>
    public AttemptStrategy[] Interceptors { get; }

    /// <summary>The list: a new capability is one line here.</summary>
    public static AttemptStrategies For(TimeProvider time, RandomSource random, ClientTelemetry telemetry) => new(
    [
        new RetryAfterReader(time),
        new RateLimitReader(time),
        new DeadlineHeaders(),
        new FaultInjector(time, random, telemetry),
    ]);

    private static bool Overrides(AttemptStrategy strategy, string hook) =>
        strategy.GetType().GetMethod(hook)!.DeclaringType != typeof(AttemptStrategy);
}
