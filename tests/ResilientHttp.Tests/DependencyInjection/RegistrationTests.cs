using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ResilientHttp.Tests.DependencyInjection;

/// <summary>Registering the handler twice for one client replaces the first registration: attempts never multiply.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task AddResilientHandler_ThroughDefaultsAndAgainForTheClient_SendsMaxAttemptsNotItsSquare()
    {
        using var sut = TestClient.Create(
            o => o.CircuitBreaker.Enabled = false,
            services: s => s.ConfigureHttpClientDefaults(b => b.AddResilientHandler(o => o.Retry.Budget.Enabled = false)));
        sut.RespondStatuses(503);

        using HttpResponseMessage response = await sut.GetAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        sut.Sent.Count.ShouldBe(4);
    }

    [Fact]
    public async Task AddResilientHandler_Twice_AppliesBothConfigurationsInOrder()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("c")
            .AddResilientHandler(o => (o.Retry.MaxAttempts, o.Retry.JitterFactor) = (3, 0.1))
            .AddResilientHandler(o => o.Retry.MaxAttempts = 2);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ResilientHttpOptions options = ConfigurationTests.OptionsOf(provider, "c");

        options.Retry.MaxAttempts.ShouldBe(2);
        options.Retry.JitterFactor.ShouldBe(0.1);
    }

    [Fact]
    public void AddResilientHandler_Twice_BuildsOnePipeline()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("c").AddResilientHandler().AddResilientHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        HttpMessageHandler handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("c");
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(h);
        }

        chain.Count(h => h is RetryHandler).ShouldBe(1);
        chain.Count(h => h is CircuitBreakerHandler).ShouldBe(1);
        chain.FindIndex(h => h is RetryHandler).ShouldBeLessThan(chain.FindIndex(h => h is CircuitBreakerHandler));
    }
}
