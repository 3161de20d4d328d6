namespace ResilientHttp.Simulator;

/// <summary>
/// The policies compared, each expressed through <see cref="ResilientHttpOptions"/> and nothing else. Apart
/// from <see cref="LibraryDefaults"/>, the circuit breaker is off, so that the retry policy alone shapes the load.
/// </summary>
internal static class Policies
{
    public const string LibraryDefaultsName = "library defaults";

    public const string NoRetriesName = "no retries";

    public const string DefaultRetryWithBudgetName = "default retry + budget";

    public const string IgnoringRateLimitHeadersName = "library defaults, rate-limit headers ignored";

    public const string NaiveName = "no retries, rate-limit headers ignored";

    public const string SharedBudgetName = "library defaults + shared budget";

    /// <summary>Gets every policy, in report order.</summary>
    public static IReadOnlyList<Policy> All { get; } =
    [
        NoRetries(),
        Immediate(budget: false),
        Immediate(budget: true),
        Fixed(budget: false),
        Fixed(budget: true),
        ExponentialWithoutJitter(budget: false),
        ExponentialWithoutJitter(budget: true),
        FullJitter(budget: false),
        FullJitter(budget: true),
        DefaultRetry(budget: false),
        DefaultRetry(budget: true),
        LibraryDefaults(),
    ];

    /// <summary>One send per call: the load the fleet would offer with no retry at all.</summary>
    public static Policy NoRetries() => new(
        NoRetriesName,
        "Retry.Enabled = false",
        Build(retry => retry.Enabled = false));

    /// <summary>Retry at once: BaseDelay = MaxDelay = 0, no jitter.</summary>
    public static Policy Immediate(bool budget) => new(
        Named("immediate", budget),
        "BaseDelay = MaxDelay = 0, JitterFactor = 0",
        Build(retry =>
        {
            retry.BaseDelay = TimeSpan.Zero;
            retry.MaxDelay = TimeSpan.Zero;
            retry.JitterFactor = 0;
        }, budget));

    /// <summary>A fixed 1 s wait: BaseDelay = MaxDelay = 1 s, no jitter (the library has no fixed-delay mode).</summary>
    public static Policy Fixed(bool budget) => new(
        Named("fixed 1 s", budget),
        "BaseDelay = MaxDelay = 1 s, JitterFactor = 0",
        Build(retry =>
        {
            retry.BaseDelay = TimeSpan.FromSeconds(1);
            retry.MaxDelay = TimeSpan.FromSeconds(1);
            retry.JitterFactor = 0;
        }, budget));

    /// <summary>1 s, 2 s, 4 s exactly.</summary>
    public static Policy ExponentialWithoutJitter(bool budget) => new(
        Named("exponential, no jitter", budget),
        "defaults with JitterFactor = 0",
        Build(retry => retry.JitterFactor = 0, budget));

    /// <summary>
    /// AWS "full jitter", U(0, min(cap, 1 s · 2^n)) for n = 0, 1, 2: the library's wait is
    /// BaseDelay·2^(n-1)·U(1 − j, 1 + j) kept under the cap, so JitterFactor = 1 with BaseDelay = 0.5 s
    /// gives U(0, 1 s), U(0, 2 s), U(0, 4 s), and U(0, MaxDelay) at the cap: exactly full jitter.
    /// </summary>
    public static Policy FullJitter(bool budget) => new(
        Named("full jitter", budget),
        "BaseDelay = 0.5 s, JitterFactor = 1 (= U(0, 1 s·2^n), AWS full jitter with a 1 s base)",
        Build(retry =>
        {
            retry.BaseDelay = TimeSpan.FromMilliseconds(500);
            retry.JitterFactor = 1;
        }, budget));

    /// <summary>The library's retry defaults (4 attempts, 1 s doubling, ±50% jitter), with or without the budget.</summary>
    public static Policy DefaultRetry(bool budget) => new(
        budget ? DefaultRetryWithBudgetName : "default retry, no budget",
        budget ? "RetryOptions defaults, breaker off" : "RetryOptions defaults with Budget.Enabled = false, breaker off",
        Build(_ => { }, budget));

    /// <summary>Everything as shipped: default retries, budget and circuit breaker.</summary>
    public static Policy LibraryDefaults() => new(
        LibraryDefaultsName,
        "new ResilientHttpOptions(): default retry, budget and breaker",
        new ResilientHttpOptions());

    /// <summary>
    /// Everything as shipped, with a fleet store registered (the <c>ResilientHttp.Redis</c> package, modelled by
    /// <see cref="SimulatedFleetStore"/>): each process's retries are paid by the fleet's one bucket as well as its own, and
    /// a pause one process is asked for reaches the others.
    /// </summary>
    /// <param name="store">The store's settings; <see langword="null"/> for <see cref="FleetStoreSettings.Default"/>.</param>
    public static Policy LibraryDefaultsWithSharedBudget(FleetStoreSettings? store = null) => new(
        store is null ? SharedBudgetName : $"{SharedBudgetName} ({store.Spec})",
        $"new ResilientHttpOptions() and a fleet store: LeaseSize, LeaseDuration, FlushInterval, store latency = {(store ?? FleetStoreSettings.Default).Spec}",
        new ResilientHttpOptions())
    {
        FleetStore = store ?? FleetStoreSettings.Default,
    };

    /// <summary>
    /// One send per call and no pause from the quota headers either: a client without the library. (<see cref="NoRetries"/>
    /// still paces from them: a host's pause does not depend on <c>Retry.Enabled</c>.)
    /// </summary>
    public static Policy NoRetriesIgnoringRateLimitHeaders() => new(
        NaiveName,
        "Retry.Enabled = false, Retry.HonorRateLimitHeaders = false",
        Build(retry =>
        {
            retry.Enabled = false;
            retry.HonorRateLimitHeaders = false;
        }));

    /// <summary>Everything as shipped but P1: a response saying the host's quota is spent is not acted on.</summary>
    public static Policy LibraryDefaultsIgnoringRateLimitHeaders()
    {
        var options = new ResilientHttpOptions();
        options.Retry.HonorRateLimitHeaders = false;
        return new Policy(IgnoringRateLimitHeadersName, "new ResilientHttpOptions() with Retry.HonorRateLimitHeaders = false", options);
    }

    private static string Named(string name, bool budget) => budget ? name + " + budget" : name;

    private static ResilientHttpOptions Build(Action<RetryOptions> configure, bool budget = false)
    {
        var options = new ResilientHttpOptions();
        options.CircuitBreaker.Enabled = false;
        options.Retry.Budget.Enabled = budget;
        configure(options.Retry);
        return options;
    }
}
