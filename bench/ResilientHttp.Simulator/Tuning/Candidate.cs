using System.Globalization;

namespace ResilientHttp.Simulator;

/// <summary>
/// A candidate for the library's defaults: the breaker and budget settings the sweep chooses among, everything
/// else as shipped. Written as a spec such as <c>B=5,M=30,J=0.2,F=5,C=10,R=0.1</c>.
/// </summary>
/// <param name="BreakDuration">CircuitBreaker.BreakDuration, seconds.</param>
/// <param name="MaxBreakDuration">CircuitBreaker.MaxBreakDuration, seconds.</param>
/// <param name="BreakJitterFactor">CircuitBreaker.BreakJitterFactor.</param>
/// <param name="FailureThreshold">CircuitBreaker.FailureThreshold.</param>
/// <param name="Capacity">Retry.Budget.Capacity.</param>
/// <param name="Ratio">Retry.Budget.Ratio.</param>
internal sealed record Candidate(double BreakDuration, double MaxBreakDuration, double BreakJitterFactor, int FailureThreshold, int Capacity, double Ratio)
{
    /// <summary>Gets Retry.MaxAttempts: the shipped value unless a spec sets it (<c>A=2</c>); not part of the tuning.</summary>
    public int MaxAttempts { get; init; } = new RetryOptions().MaxAttempts;

    /// <summary>Gets the candidate that matches the options a new <see cref="ResilientHttpOptions"/> has.</summary>
    public static Candidate Shipped { get; } = From(new ResilientHttpOptions());

    /// <summary>Gets the spec of this candidate.</summary>
    public string Spec => string.Create(CultureInfo.InvariantCulture, $"B={BreakDuration},M={MaxBreakDuration},J={BreakJitterFactor},F={FailureThreshold},C={Capacity},R={Ratio}") +
        (MaxAttempts == new RetryOptions().MaxAttempts ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",A={MaxAttempts}"));

    /// <summary>Reads a spec; keys left out keep the shipped value.</summary>
    public static Candidate Parse(string spec)
    {
        Candidate c = Shipped;
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = part.Split('=', 2);
            double v = double.Parse(kv[1], CultureInfo.InvariantCulture);
            c = kv[0] switch
            {
                "B" => c with { BreakDuration = v },
                "M" => c with { MaxBreakDuration = v },
                "J" => c with { BreakJitterFactor = v },
                "F" => c with { FailureThreshold = (int)v },
                "C" => c with { Capacity = (int)v },
                "R" => c with { Ratio = v },
                "A" => c with { MaxAttempts = (int)v },
                _ => throw new ArgumentException($"Unknown key {kv[0]} in candidate '{spec}': use B, M, J, F, C, R or A."),
            };
        }

        return c;
    }

    /// <summary>Gets the candidate a set of options is.</summary>
    public static Candidate From(ResilientHttpOptions o) => new(
        o.CircuitBreaker.BreakDuration.TotalSeconds,
        o.CircuitBreaker.MaxBreakDuration.TotalSeconds,
        o.CircuitBreaker.BreakJitterFactor,
        o.CircuitBreaker.FailureThreshold,
        o.Retry.Budget.Capacity,
        o.Retry.Budget.Ratio);

    /// <summary>Gets the library's defaults with this candidate's settings.</summary>
    public Policy ToPolicy()
    {
        var options = new ResilientHttpOptions();
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(BreakDuration);
        options.CircuitBreaker.MaxBreakDuration = TimeSpan.FromSeconds(MaxBreakDuration);
        options.CircuitBreaker.BreakJitterFactor = BreakJitterFactor;
        options.CircuitBreaker.FailureThreshold = FailureThreshold;
        options.Retry.Budget.Capacity = Capacity;
        options.Retry.Budget.Ratio = Ratio;
        options.Retry.MaxAttempts = MaxAttempts;
        return new Policy(Spec, "library defaults with " + Spec, options);
    }
}
