using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientHttp.Tests.Reliability;

/// <summary>
/// K3 under load: the configuration is reloaded over and over, with valid and invalid values, while calls
/// run on many threads. Every call runs with one whole set of options (never a torn mix, never an invalid
/// one), no caller sees an error from a reload, and the last valid change is the one in force at the end.
/// </summary>
public sealed class ConcurrentReloadTests
{
    private const string Key = "ResilientHttp:Clients:test:Retry:MaxAttempts";

    [Fact]
    public async Task Send_WhileTheConfigurationIsReloadedConcurrently_EveryCallUsesOneValidSetOfOptions()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .Add(new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { [Key] = "2" } })
            .Build();
        var logs = new ListLogger();
        using var sut = TestClient.Create(
            o =>
            {
                o.Retry.BaseDelay = TimeSpan.Zero;
                o.Retry.MaxDelay = TimeSpan.Zero;
                o.Retry.Budget.Enabled = false;
                o.CircuitBreaker.Enabled = false;
                o.AttemptTimeout = null;
            },
            services: s => s.AddSingleton<IConfiguration>(configuration).AddLogging(b => b.AddProvider(logs)));
        var sends = new ConcurrentDictionary<HttpRequestMessage, int>();
        sut.Handle((request, _) =>
        {
            sends.AddOrUpdate(request, 1, (_, n) => n + 1);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        // Valid values from 2 up: a call sent only once would be one that ran with an invalid value (0, -2, 11).
        string[] changes = ["5", "0", "3", "eleven", "4", "-2", "11", "2"];

        Task reloader = Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                configuration[Key] = changes[i % changes.Length];
                configuration.Reload();
            }

            configuration[Key] = "3";
            configuration.Reload();
        });
        var statuses = new ConcurrentBag<HttpStatusCode>();
        Task[] callers = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await sut.Client.GetAsync("/r");
                statuses.Add(response.StatusCode);
            }
        }))];
        await Task.WhenAll([reloader, .. callers]);

        statuses.Count.ShouldBeGreaterThan(100);
        statuses.ShouldAllBe(s => s == HttpStatusCode.ServiceUnavailable, "every call ends with the server's answer, none with an error of the reload");
        sends.Values.ShouldAllBe(n => n >= 2 && n <= 5, "each call is sent as often as one valid MaxAttempts allows");
        sends.Values.Distinct().Order().ToArray().ShouldBe([2, 3, 4, 5], "the valid values all took turns");
        logs.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Message.Contains(Key, StringComparison.Ordinal), "a rejected change names its key");

        sends.Clear();
        using (await sut.Client.GetAsync("/r"))
        {
        }

        sends.Values.ShouldBe([3], "the last valid change is in force");
    }
}
