using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ResilientHttp.Redis.Tests;

/// <summary>K2 for the fleet's options: bad values and unknown keys fail at start-up, naming the key.</summary>
public sealed class FleetOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?>());

        FleetOptions options = services.GetRequiredService<IOptions<FleetOptions>>().Value;

        options.StoreTimeout.ShouldBe(TimeSpan.FromMilliseconds(250));
        options.KeyPrefix.ShouldBe("resilienthttp");
    }

    [Fact]
    public void Configuration_IsBound()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?>
        {
            ["ResilientHttp:Fleet:StoreTimeout"] = "00:00:00.100",
            ["ResilientHttp:Fleet:LeaseSize"] = "8",
            ["ResilientHttp:Fleet:KeyPrefix"] = "payments",
        });

        FleetOptions options = services.GetRequiredService<IOptions<FleetOptions>>().Value;

        options.StoreTimeout.ShouldBe(TimeSpan.FromMilliseconds(100));
        options.LeaseSize.ShouldBe(8);
        options.KeyPrefix.ShouldBe("payments");
    }

    [Fact]
    public void ValuesOutOfRange_FailNamingEachKey()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?>
        {
            ["ResilientHttp:Fleet:LeaseSize"] = "0",
            ["ResilientHttp:Fleet:FlushInterval"] = "00:05:00",
            ["ResilientHttp:Fleet:StoreTimeout"] = "00:00:06",
            ["ResilientHttp:Fleet:KeyPrefix"] = " ",
        });

        OptionsValidationException error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<FleetOptions>>().Value);

        error.Message.ShouldContain("ResilientHttp:Fleet:LeaseSize is 0; it must be 1 to 100.");
        error.Message.ShouldContain("ResilientHttp:Fleet:FlushInterval");
        error.Message.ShouldContain("ResilientHttp:Fleet:StoreTimeout (00:00:06) must be below ResilientHttp:Fleet:LeaseDuration");
        error.Message.ShouldContain("ResilientHttp:Fleet:KeyPrefix");
    }

    [Fact]
    public void AMisspeltKey_FailsNamingIt()
    {
        using ServiceProvider services = Services(new Dictionary<string, string?> { ["ResilientHttp:Fleet:LeaseSzie"] = "4" });

        InvalidOperationException error = Should.Throw<InvalidOperationException>(() => services.GetRequiredService<IOptions<FleetOptions>>().Value);

        error.Message.ShouldContain("LeaseSzie");
    }

    [Fact]
    public void AMalformedConfigurationString_FailsAtRegistration_WithoutEchoingIt()
    {
        ArgumentException error = Should.Throw<ArgumentException>(() => new ServiceCollection().AddResilientHttpRedis("localhost,password=hunter2,bogus=1"));

        error.Message.ShouldContain("bogus");
        error.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task AnUnreachableRedis_IsNoStartUpError()
    {
        // A port nothing listens on: the client is built and calls run; the store keeps trying in the background.
        await using UpstreamServer server = await UpstreamServer.StartAsync();
        await using var process = new FleetProcess("p", server.Address, "127.0.0.1:1,connectTimeout=200");

        (await process.GetStatusAsync()).ShouldBe(200);
        await FleetProcess.EventuallyAsync(() => process.Logged("FleetStoreUnavailable") == 1, "the loss said");
    }

    [Fact]
    public void TheReadmes_StateTheDefaults()
    {
        var defaults = new FleetOptions();
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ResilientHttp.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository's root was not found.");
        }

        foreach (string readme in new[] { "README.md", "src/ResilientHttp.Redis/README.md" })
        {
            string text = File.ReadAllText(Path.Combine(root, readme));
            text.ShouldContain($"| `StoreTimeout` | {defaults.StoreTimeout.TotalMilliseconds:0} ms |", customMessage: readme);
            text.ShouldContain($"| `FlushInterval` | {defaults.FlushInterval.TotalSeconds:0} s |", customMessage: readme);
            text.ShouldContain($"| `LeaseSize` | {defaults.LeaseSize} |", customMessage: readme);
            text.ShouldContain($"| `LeaseDuration` | {defaults.LeaseDuration.TotalSeconds:0} s |", customMessage: readme);
            text.ShouldContain($"| `SharePauses` | {(defaults.SharePauses ? "true" : "false")}", customMessage: readme);
            text.ShouldContain($"| `KeyLifetime` | {defaults.KeyLifetime.TotalMinutes:0} minutes |", customMessage: readme);
            text.ShouldContain($"| `KeyPrefix` | `{defaults.KeyPrefix}` |", customMessage: readme);
        }
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddResilientHttpRedis("127.0.0.1:1");
        return services.BuildServiceProvider();
    }
}
