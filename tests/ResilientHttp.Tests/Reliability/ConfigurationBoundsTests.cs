using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResilientHttp.Tests.DependencyInjection;

namespace ResilientHttp.Tests.Reliability;

/// <summary>
/// Every bounded setting, read from configuration at each of its bounds (the service starts) and just beyond
/// each (start-up fails naming the full key, the range and the value found).
/// </summary>
public sealed class ConfigurationBoundsTests
{
    private const string Path = "ResilientHttp:Clients:GitHubClient";

    /// <summary>Key, a value at a bound, a value just beyond it, and the range the error states.</summary>
    public static TheoryData<string, string, string, string> Bounds() => new()
    {
        { "Retry:MaxAttempts", "1", "0", "between 1 and 10" },
        { "Retry:MaxAttempts", "10", "11", "between 1 and 10" },
        { "Retry:BaseDelay", "00:00:00", "-00:00:00.0010000", "between 00:00:00 and 1.00:00:00" },
        { "Retry:MaxDelay", "1.00:00:00", "1.00:00:00.0010000", "between BaseDelay (00:00:01) and 1.00:00:00" },
        { "Retry:MaxDelay", "00:00:01", "00:00:00.9990000", "between BaseDelay (00:00:01) and 1.00:00:00" },
        { "Retry:JitterFactor", "0", "-0.001", "between 0 and 1" },
        { "Retry:JitterFactor", "1", "1.001", "between 0 and 1" },
        { "Retry:MaxRetryAfter", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00 and 1.00:00:00" },
        { "Retry:MaxBufferedBodyBytes", "0", "-1", "between 0 and 2147483648" },
        { "Retry:MaxBufferedBodyBytes", "2147483648", "2147483649", "between 0 and 2147483648" },
        { "Retry:Budget:Ratio", "0", "-0.1", "between 0 and 1" },
        { "Retry:Budget:Ratio", "1", "1.1", "between 0 and 1" },
        { "Retry:Budget:Capacity", "1", "0", "between 1 and 1000" },
        { "Retry:Budget:Capacity", "1000", "1001", "between 1 and 1000" },
        { "CircuitBreaker:FailureThreshold", "1", "0", "between 1 and 1000" },
        { "CircuitBreaker:FailureThreshold", "1000", "1001", "between 1 and 1000" },
        { "CircuitBreaker:BreakDuration", "00:00:00.0010000", "00:00:00", "between 00:00:00.0010000 and 1.00:00:00" },
        { "CircuitBreaker:BreakDuration", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00.0010000 and 1.00:00:00" },
        { "CircuitBreaker:MaxBreakDuration", "00:00:00.0010000", "00:00:00", "between 00:00:00.0010000 and 1.00:00:00" },
        { "CircuitBreaker:MaxBreakDuration", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00.0010000 and 1.00:00:00" },
        { "CircuitBreaker:BreakJitterFactor", "0", "-0.001", "between 0 and 1" },
        { "CircuitBreaker:BreakJitterFactor", "1", "1.001", "between 0 and 1" },
        { "CircuitBreaker:MaxTrackedHosts", "1", "0", "between 1 and 1000000" },
        { "CircuitBreaker:MaxTrackedHosts", "1000000", "1000001", "between 1 and 1000000" },
        { "Hedging:Delay", "00:00:00.0010000", "00:00:00", "between 00:00:00.0010000 and 1.00:00:00" },
        { "Hedging:Delay", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00.0010000 and 1.00:00:00" },
        { "Hedging:MaxHedgedAttempts", "1", "0", "between 1 and 5" },
        { "Hedging:MaxHedgedAttempts", "5", "6", "between 1 and 5" },
        { "FaultInjection:FaultRate", "1", "1.001", "between 0 and 1" },
        { "FaultInjection:LatencyRate", "0", "-0.001", "between 0 and 1" },
        { "FaultInjection:Latency", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00 and 1.00:00:00" },
        { "AttemptTimeout", "00:00:00.0010000", "00:00:00", "between 00:00:00.0010000 and 1.00:00:00" },
        { "AttemptTimeout", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00.0010000 and 1.00:00:00" },
        { "TotalTimeout", "1.00:00:00", "1.00:00:00.0010000", "between 00:00:00.0010000 and 1.00:00:00" },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public async Task Start_ValueAtItsBound_StartsAndJustBeyond_FailsNamingTheKeyRangeAndValue(string key, string atBound, string beyond, string range)
    {
        (await TryStartAsync(key, atBound)).ShouldBeNull($"{key} = {atBound} is allowed");

        OptionsValidationException? ex = await TryStartAsync(key, beyond);

        ex.ShouldNotBeNull($"{key} = {beyond} must be refused");
        ex.Failures.ShouldContain(f => f.StartsWith($"{Path}:{key} must be {range}, was ", StringComparison.Ordinal), customMessage: string.Join(" | ", ex.Failures));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(600)]
    [InlineData(-1)]
    public async Task Start_StatusCodeOutsideHttp_FailsForBothLists(int code)
    {
        OptionsValidationException? retry = await TryStartAsync("Retry:RetryStatusCodes:0", $"{code}");
        OptionsValidationException? breaker = await TryStartAsync("CircuitBreaker:FailureStatusCodes:0", $"{code}");

        retry.ShouldNotBeNull().Failures.ShouldContain($"{Path}:Retry:RetryStatusCodes must hold status codes between 100 and 599, was {code}.");
        breaker.ShouldNotBeNull().Failures.ShouldContain($"{Path}:CircuitBreaker:FailureStatusCodes must hold status codes between 100 and 599, was {code}.");
    }

    [Theory]
    [InlineData("Retry:MaxAttempts", "2147483648")]
    [InlineData("Retry:BaseDelay", "99999999.00:00:00")]
    [InlineData("Retry:JitterFactor", "1e400")]
    [InlineData("Retry:MaxBufferedBodyBytes", "99999999999999999999")]
    public async Task Start_ValueBeyondItsType_FailsNamingTheKeyInsteadOfOverflowing(string key, string value)
    {
        OptionsValidationException? ex = await TryStartAsync(key, value);

        ex.ShouldNotBeNull();
        ex.Failures.ShouldContain(f => f.StartsWith($"{Path}:{key} must be", StringComparison.Ordinal), customMessage: string.Join(" | ", ex.Failures));
    }

    private static async Task<OptionsValidationException?> TryStartAsync(string key, string value)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{Path}:{key}"] = value });
        builder.Services.AddSingleton<IConfiguration>(builder.Configuration);
        builder.Services.AddHttpClient<ConfigurationTests.GitHubClient>().AddResilientHandler();
        using IHost host = builder.Build();
        try
        {
            await host.StartAsync();
            await host.StopAsync();
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }
}
