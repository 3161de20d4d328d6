using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientHttp.Tests.DependencyInjection;

namespace ResilientHttp.Tests.Deadline;

/// <summary>
/// <c>Deadline.SendHeader</c>: each attempt tells the server how long its sender still waits (<c>Request-Timeout-Ms</c>,
/// the shorter of the attempt timeout and the time left before the call's deadline) and how many sends came before it.
/// </summary>
public sealed class DeadlineHeadersTests
{
    [Fact]
    public async Task Send_ByDefault_SendsNoDeadlineHeaders()
    {
        using var sut = TestClient.Create().RespondStatuses(200);

        using (await sut.GetAsync())
        {
        }

        sut.Sent[0].Header("Request-Timeout-Ms").ShouldBeNull();
        sut.Sent[0].Header("Resend-Count").ShouldBeNull();
    }

    [Fact]
    public async Task Send_On_EveryAttemptCarriesItsTimeoutAndHowManySendsCameBefore()
    {
        using var sut = TestClient.Create(o => (o.Deadline.SendHeader, o.CircuitBreaker.Enabled) = (true, false)).RespondStatuses(503, 503, 200);

        using (await sut.GetAsync())
        {
        }

        sut.Sent.Select(s => s.Header("Request-Timeout-Ms")).ShouldBe(["10000", "10000", "10000"]);
        sut.Sent.Select(s => s.Header("Resend-Count")).ShouldBe(["0", "1", "2"]);
    }

    [Fact]
    public async Task Send_WithATotalTimeout_EachAttemptIsToldOnlyTheTimeLeftOfTheCall()
    {
        // Attempts of up to 3 s in a call of 5 s, retried after 1 s and 2 s: the third starts with 2 s of the call left.
        using var sut = TestClient.Create(o => (o.Deadline.SendHeader, o.AttemptTimeout, o.TotalTimeout, o.CircuitBreaker.Enabled) = (true, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), false), random: 0.5)
            .RespondStatuses(503, 503, 200);

        using (await sut.GetAsync())
        {
        }

        sut.Sent.Select(s => s.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)]);
        sut.Sent.Select(s => s.Header("Request-Timeout-Ms")).ShouldBe(["3000", "3000", "2000"]);
    }

    [Fact]
    public async Task Send_WithNoTimeoutAtAll_TellsNoDeadlineButStillCountsResends()
    {
        using var sut = TestClient.Create(o => (o.Deadline.SendHeader, o.AttemptTimeout) = (true, null)).RespondStatuses(200);

        using (await sut.GetAsync())
        {
        }

        sut.Sent[0].Header("Request-Timeout-Ms").ShouldBeNull();
        sut.Sent[0].Header("Resend-Count").ShouldBe("0");
    }

    [Fact]
    public async Task Send_CallersOwnHeader_IsReplacedByTheAttemptsTrueValue()
    {
        using var sut = TestClient.Create(o => o.Deadline.SendHeader = true).RespondStatuses(200);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resource");
        request.Headers.TryAddWithoutValidation("Request-Timeout-Ms", "999999");

        using (await sut.RunAsync(sut.Client.SendAsync(request)))
        {
        }

        sut.Sent[0].Header("Request-Timeout-Ms").ShouldBe("10000");
    }

    [Fact]
    public void Configuration_SendHeader_IsBoundAndAMisspeltKeyNamed()
    {
        IConfigurationRoot good = ConfigurationTests.Json("""{ "ResilientHttp": { "Defaults": { "Deadline": { "SendHeader": true } } } }""");
        var services = new ServiceCollection().AddSingleton<IConfiguration>(good);
        services.AddHttpClient("api").AddResilientHandler();
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            ConfigurationTests.OptionsOf(provider, "api").Deadline.SendHeader.ShouldBeTrue();
        }

        IConfigurationRoot bad = ConfigurationTests.Json("""{ "ResilientHttp": { "Defaults": { "Deadline": { "SendHeaders": true } } } }""");
        var failing = new ServiceCollection().AddSingleton<IConfiguration>(bad);
        failing.AddHttpClient("api").AddResilientHandler();
        using ServiceProvider broken = failing.BuildServiceProvider();

        OptionsValidationException error = Should.Throw<OptionsValidationException>(() => ConfigurationTests.OptionsOf(broken, "api"));
        error.Message.ShouldContain("ResilientHttp:Defaults:Deadline:SendHeaders");
    }
}
