using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ResilientHttp.Tests.DependencyInjection;

/// <summary>K1: options from appsettings.json, Defaults overlaid by Clients:&lt;name&gt;, then code.</summary>
public sealed class ConfigurationTests
{
    internal sealed class GitHubClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    internal sealed class OrdersClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }

    internal static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    internal static ResilientHttpOptions OptionsOf(IServiceProvider services, string client) =>
        services.GetRequiredService<ResilienceRegistry>().GetClient(client).Options;

    [Fact]
    public void AddResilientHandler_TypedClient_ReadsDefaultsOverlaidByItsOwnEntry()
    {
        IConfigurationRoot configuration = Json("""
        {
          "ResilientHttp": {
            "Defaults": { "Retry": { "MaxAttempts": 3, "BaseDelay": "00:00:02" }, "CircuitBreaker": { "FailureThreshold": 7 } },
            "Clients": { "GitHubClient": { "Retry": { "MaxAttempts": 5 }, "CircuitBreaker": { "Enabled": false } } }
          }
        }
        """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient<GitHubClient>().AddResilientHandler();
        services.AddHttpClient<OrdersClient>().AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        ResilientHttpOptions github = OptionsOf(provider, nameof(GitHubClient));
        ResilientHttpOptions orders = OptionsOf(provider, nameof(OrdersClient));

        github.Retry.MaxAttempts.ShouldBe(5);
        github.Retry.BaseDelay.ShouldBe(TimeSpan.FromSeconds(2));
        github.CircuitBreaker.Enabled.ShouldBeFalse();
        github.CircuitBreaker.FailureThreshold.ShouldBe(7);
        orders.Retry.MaxAttempts.ShouldBe(3);
        orders.CircuitBreaker.Enabled.ShouldBeTrue();
    }

    [Fact]
    public void AddResilientHandler_Hedging_IsReadFromConfiguration_AndAClientsNullDelayMeansAdaptive()
    {
        IConfigurationRoot configuration = Json("""
        {
          "ResilientHttp": {
            "Defaults": { "Hedging": { "Enabled": true, "Delay": "00:00:00.050", "MaxHedgedAttempts": 2 } },
            "Clients": { "GitHubClient": { "Hedging": { "Delay": null } } }
          }
        }
        """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient<GitHubClient>().AddResilientHandler();
        services.AddHttpClient<OrdersClient>().AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        HedgingOptions github = OptionsOf(provider, nameof(GitHubClient)).Hedging;
        HedgingOptions orders = OptionsOf(provider, nameof(OrdersClient)).Hedging;

        (orders.Enabled, orders.Delay, orders.MaxHedgedAttempts).ShouldBe((true, TimeSpan.FromMilliseconds(50), 2));
        (github.Enabled, github.Delay, github.MaxHedgedAttempts).ShouldBe((true, (TimeSpan?)null, 2));
    }

    [Fact]
    public void AddResilientHandler_NoHedgingConfigured_LeavesItOff()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(Json("{}"));
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        HedgingOptions hedging = OptionsOf(provider, "c").Hedging;

        (hedging.Enabled, hedging.Delay, hedging.MaxHedgedAttempts).ShouldBe((false, (TimeSpan?)null, 1));
    }

    [Fact]
    public void AddResilientHandler_ListsEnumsAndTimeSpans_AreReadAsWritten()
    {
        IConfigurationRoot configuration = Json("""
        {
          "ResilientHttp": { "Defaults": {
            "AttemptTimeout": "00:00:03", "TotalTimeout": "00:01:00",
            "Retry": { "RetryStatusCodes": [ 503 ], "UnsafeMethods": "Always", "MaxRetryAfter": "00:00:05" },
            "CircuitBreaker": { "FailureStatusCodes": [ 500, 503 ], "BreakDuration": "00:00:45" } } }
        }
        """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        ResilientHttpOptions options = OptionsOf(provider, "c");

        options.AttemptTimeout.ShouldBe(TimeSpan.FromSeconds(3));
        options.TotalTimeout.ShouldBe(TimeSpan.FromMinutes(1));
        options.Retry.RetryStatusCodes.ShouldBe([503]);
        options.Retry.UnsafeMethods.ShouldBe(UnsafeMethodRetry.Always);
        options.Retry.MaxRetryAfter.ShouldBe(TimeSpan.FromSeconds(5));
        options.CircuitBreaker.FailureStatusCodes.ShouldBe([500, 503]);
        options.CircuitBreaker.BreakDuration.ShouldBe(TimeSpan.FromSeconds(45));
    }

    [Fact]
    public void AddResilientHandler_ClientList_ReplacesTheDefaultsList()
    {
        IConfigurationRoot configuration = Json("""
        { "ResilientHttp": { "Defaults": { "Retry": { "RetryStatusCodes": [ 502, 503 ] } },
                             "Clients": { "c": { "Retry": { "RetryStatusCodes": [ 429 ] } } } } }
        """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsOf(provider, "c").Retry.RetryStatusCodes.ShouldBe([429]);
    }

    [Fact]
    public void AddResilientHandler_EmptyListInConfiguration_ReplacesTheDefaultWithNothing()
    {
        IConfigurationRoot configuration = Json("""{ "ResilientHttp": { "Defaults": { "Retry": { "RetryStatusCodes": [] }, "CircuitBreaker": { "FailureStatusCodes": [] } } } }""");
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsOf(provider, "c").Retry.RetryStatusCodes.ShouldBeEmpty();
        OptionsOf(provider, "c").CircuitBreaker.FailureStatusCodes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"Infinite\"")]
    public void AddResilientHandler_AttemptTimeoutNone_TurnsTheLimitOff(string value)
    {
        IConfigurationRoot configuration = Json($$"""{ "ResilientHttp": { "Defaults": { "AttemptTimeout": {{value}} } } }""");
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsOf(provider, "c").AttemptTimeout.ShouldBeNull();
    }

    [Fact]
    public void AddResilientHandler_CodeConfiguration_RunsAfterConfiguration()
    {
        IConfigurationRoot configuration = Json("""{ "ResilientHttp": { "Clients": { "c": { "Retry": { "MaxAttempts": 5, "JitterFactor": 0.2 } } } } }""");
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("c").AddResilientHandler(o => o.Retry.MaxAttempts = 2);
        using ServiceProvider provider = services.BuildServiceProvider();

        ResilientHttpOptions options = OptionsOf(provider, "c");

        options.Retry.MaxAttempts.ShouldBe(2);
        options.Retry.JitterFactor.ShouldBe(0.2);
    }

    [Fact]
    public void AddResilientHandler_WithoutConfiguration_UsesTheDefaults()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("c").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        ResilientHttpOptions options = OptionsOf(provider, "c");

        options.Retry.MaxAttempts.ShouldBe(4);
        options.AttemptTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        options.CircuitBreaker.FailureStatusCodes.ShouldBe([500, 502, 503, 504]);
    }

    [Fact]
    public void AddResilientHandler_GivenASection_BindsThatSectionOnly()
    {
        IConfigurationRoot configuration = Json("""
        { "ResilientHttp": { "Defaults": { "Retry": { "MaxAttempts": 9 } } },
          "Payments": { "Retry": { "MaxAttempts": 2, "UnsafeMethods": "Never" } } }
        """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHttpClient("payments").AddResilientHandler(configuration.GetSection("Payments"));
        services.AddHttpClient("other").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsOf(provider, "payments").Retry.MaxAttempts.ShouldBe(2);
        OptionsOf(provider, "payments").Retry.UnsafeMethods.ShouldBe(UnsafeMethodRetry.Never);
        OptionsOf(provider, "other").Retry.MaxAttempts.ShouldBe(9);
    }

    [Fact]
    public void ConfigureHttpClientDefaults_GivesEveryClientItsOwnStateAndItsOwnEntry()
    {
        IConfigurationRoot configuration = Json("""{ "ResilientHttp": { "Clients": { "GitHubClient": { "Retry": { "MaxAttempts": 6 } } } } }""");
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.ConfigureHttpClientDefaults(b => b.AddResilientHandler());
        services.AddHttpClient<GitHubClient>();
        services.AddHttpClient<OrdersClient>();
        using ServiceProvider provider = services.BuildServiceProvider();

        GitHubClient github = provider.GetRequiredService<GitHubClient>();
        OrdersClient orders = provider.GetRequiredService<OrdersClient>();
        var registry = provider.GetRequiredService<ResilienceRegistry>();

        registry.Clients.Select(c => c.Name).ShouldBe([nameof(GitHubClient), nameof(OrdersClient)], ignoreOrder: true);
        registry.GetClient(nameof(GitHubClient)).Options.Retry.MaxAttempts.ShouldBe(6);
        registry.GetClient(nameof(OrdersClient)).Options.Retry.MaxAttempts.ShouldBe(4);
        registry.GetClient(nameof(GitHubClient)).Hosts.ShouldNotBeSameAs(registry.GetClient(nameof(OrdersClient)).Hosts);
        github.Http.ShouldNotBeNull();
        orders.Http.ShouldNotBeNull();
    }

    [Fact]
    public void OptionsFactory_CreatesFreshListsForEveryClient()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("a").AddResilientHandler(o => o.Retry.RetryStatusCodes.Add(500));
        services.AddHttpClient("b").AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();
        IOptionsFactory<ResilientHttpOptions> factory = provider.GetRequiredService<IOptionsFactory<ResilientHttpOptions>>();

        factory.Create("a").Retry.RetryStatusCodes.ShouldContain(500);
        factory.Create("b").Retry.RetryStatusCodes.ShouldNotContain(500);
    }
}
