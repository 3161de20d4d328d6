using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ResilientHttp.Tests.DependencyInjection;

/// <summary>K2: bad values and unknown keys fail at start-up, every one named by its full path, all at once.</summary>
public sealed class ValidationTests
{
    private static async Task<OptionsValidationException> StartHostAsync(string json, Action<IServiceCollection>? configure = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(ConfigurationTests.Json(json));
        builder.Services.AddSingleton<IConfiguration>(builder.Configuration);
        if (configure is null)
        {
            builder.Services.AddHttpClient<ConfigurationTests.GitHubClient>().AddResilientHandler();
        }
        else
        {
            configure(builder.Services);
        }

        using IHost host = builder.Build();
        return await Catch.ExceptionAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Start_ValueOutOfRange_FailsNamingTheFullPathTheRangeAndTheValue()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Clients": { "GitHubClient": { "Retry": { "MaxAttempts": 0 } } } } }""");

        ex.Failures.ShouldBe(["ResilientHttp:Clients:GitHubClient:Retry:MaxAttempts must be between 1 and 10, was 0."]);
    }

    [Fact]
    public async Task Start_TypoInAKey_FailsNamingTheKeyAndSuggestingTheRightOne()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Clients": { "GitHubClient": { "Retry": { "MaxAtempts": 5 } } } } }""");

        ex.Failures.ShouldBe(["ResilientHttp:Clients:GitHubClient:Retry:MaxAtempts is not a known setting (did you mean MaxAttempts?)."]);
    }

    [Fact]
    public async Task Start_SeveralProblems_AreAllReportedAtOnce()
    {
        OptionsValidationException ex = await StartHostAsync("""
        { "ResilientHttp": {
            "Defaults": { "Retry": { "JitterFactor": 1.5 }, "CircuitBreaker": { "MaxTrackedHosts": 0 } },
            "Clients": { "GitHubClient": { "Retry": { "Budget": { "Capacity": 5000 } } },
                         "OrdersClient": { "CircuitBreaker": { "BreakDuraton": "00:00:10" } } } } }
        """);

        ex.Failures.ShouldContain("ResilientHttp:Defaults:Retry:JitterFactor must be between 0 and 1, was 1.5.");
        ex.Failures.ShouldContain("ResilientHttp:Defaults:CircuitBreaker:MaxTrackedHosts must be between 1 and 1000000, was 0.");
        ex.Failures.ShouldContain("ResilientHttp:Clients:GitHubClient:Retry:Budget:Capacity must be between 1 and 1000, was 5000.");
        ex.Failures.ShouldContain("ResilientHttp:Clients:OrdersClient:CircuitBreaker:BreakDuraton is not a known setting (did you mean BreakDuration?).");
    }

    [Fact]
    public async Task Start_BaseDelayAboveMaxDelay_FailsNamingBoth()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Defaults": { "Retry": { "BaseDelay": "00:01:00", "MaxDelay": "00:00:10" } } } }""");

        ex.Failures.ShouldContain("ResilientHttp:Defaults:Retry:MaxDelay must be between BaseDelay (00:01:00) and 1.00:00:00, was 00:00:10.");
    }

    [Fact]
    public async Task Start_TotalTimeoutBelowAttemptTimeout_Fails()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Defaults": { "AttemptTimeout": "00:00:30", "TotalTimeout": "00:00:10" } } }""");

        ex.Failures.ShouldContain("ResilientHttp:Defaults:TotalTimeout must not be below AttemptTimeout (00:00:30), was 00:00:10.");
    }

    [Theory]
    [InlineData("Retry:BaseDelay", "\"soon\"", "must be a time span such as 00:00:01, was 'soon'.")]
    [InlineData("Retry:MaxAttempts", "\"four\"", "must be a whole number, was 'four'.")]
    [InlineData("Retry:Enabled", "\"yes\"", "must be true or false, was 'yes'.")]
    [InlineData("Retry:UnsafeMethods", "\"Sometimes\"", "must be Never, IfIdempotencyKey or Always, was 'Sometimes'.")]
    [InlineData("Retry:UnsafeMethods", "\"7\"", "must be Never, IfIdempotencyKey or Always, was '7'.")]
    [InlineData("Retry:Budget:Ratio", "\"lots\"", "must be a number such as 0.5, was 'lots'.")]
    public async Task Start_UnreadableValue_FailsNamingThePathAndTheValue(string key, string value, string problem)
    {
        string[] parts = key.Split(':');
        string json = parts.Reverse().Aggregate(value, (inner, part) => $"{{ \"{part}\": {inner} }}");

        OptionsValidationException ex = await StartHostAsync($$"""{ "ResilientHttp": { "Defaults": {{json}} } }""");

        ex.Failures.ShouldContain($"ResilientHttp:Defaults:{key} {problem}");
    }

    [Fact]
    public async Task Start_StatusCodeOutOfRange_Fails()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Defaults": { "Retry": { "RetryStatusCodes": [ 503, 42 ] } } } }""");

        ex.Failures.ShouldContain("ResilientHttp:Defaults:Retry:RetryStatusCodes must hold status codes between 100 and 599, was 42.");
    }

    [Fact]
    public async Task Start_BadHedgingValues_FailNamingEachKey()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Clients": { "GitHubClient": { "Hedging": { "Delay": "00:00:00", "MaxHedgedAttempts": 9 } } } } }""");

        ex.Failures.ShouldBe([
            "ResilientHttp:Clients:GitHubClient:Hedging:Delay must be between 00:00:00.0010000 and 1.00:00:00, was 00:00:00.",
            "ResilientHttp:Clients:GitHubClient:Hedging:MaxHedgedAttempts must be between 1 and 5, was 9.",
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task Start_TypoInAHedgingKey_FailsSuggestingTheRightOne()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Clients": { "GitHubClient": { "Hedging": { "Dealy": "00:00:01" } } } } }""");

        ex.Failures.ShouldBe(["ResilientHttp:Clients:GitHubClient:Hedging:Dealy is not a known setting (did you mean Delay?)."]);
    }

    [Fact]
    public async Task Start_UnknownSectionUnderResilientHttp_Fails()
    {
        OptionsValidationException ex = await StartHostAsync("""{ "ResilientHttp": { "Default": { "Retry": { "MaxAttempts": 3 } } } }""");

        ex.Failures.ShouldContain("ResilientHttp:Default is not a known setting: ResilientHttp holds Defaults and Clients.");
    }

    [Fact]
    public async Task Start_InvalidValueSetInCode_FailsNamingTheClient()
    {
        OptionsValidationException ex = await StartHostAsync(
            "{}",
            services => services.AddHttpClient("payments").AddResilientHandler(o => o.Retry.MaxAttempts = 11));

        ex.Failures.ShouldBe(["Retry:MaxAttempts (client 'payments', set in code) must be between 1 and 10, was 11."]);
    }

    [Fact]
    public async Task Start_ValidConfiguration_Starts()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(ConfigurationTests.Json("""{ "ResilientHttp": { "Defaults": { "Retry": { "MaxAttempts": 10 } } } }"""));
        builder.Services.AddSingleton<IConfiguration>(builder.Configuration);
        builder.Services.AddHttpClient<ConfigurationTests.GitHubClient>().AddResilientHandler();
        using IHost host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Validate_BoundsOfMaxAttempts_AreAllowed(int value)
    {
        ResilientHttpOptionsValidator.Check("c", new ResilientHttpOptions { Retry = { MaxAttempts = value } }).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_JitterFactorNaN_IsRejected()
    {
        ResilientHttpOptionsValidator.Check("c", new ResilientHttpOptions { Retry = { JitterFactor = double.NaN } })
            .ShouldBe(["Retry:JitterFactor (client 'c', set in code) must be between 0 and 1, was NaN."]);
    }

    [Fact]
    public void Validate_InvalidIdempotencyKeyHeader_IsRejected()
    {
        ResilientHttpOptionsValidator.Check("c", new ResilientHttpOptions { Retry = { IdempotencyKeyHeader = "Bad Header" } })
            .ShouldBe(["Retry:IdempotencyKeyHeader (client 'c', set in code) must be a valid header name, was 'Bad Header'."]);
    }
}
