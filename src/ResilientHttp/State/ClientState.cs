using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ResilientHttp;

/// <summary>
/// C5, K3: what one client name keeps across handler rotations and option reloads: its hosts and its
/// options in force. A reload that fails validation keeps the last valid options and logs why.
/// </summary>
internal sealed class ClientState : IDisposable
{
    private readonly IOptionsFactory<ResilientHttpOptions> _factory;
    private readonly List<IDisposable> _subscriptions = [];
    private ResilientHttpOptions _options;

    public ClientState(
        string name,
        IOptionsFactory<ResilientHttpOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<ResilientHttpOptions>> changeSources,
        TimeProvider time,
        RandomSource random,
        ILogger logger,
        ResilienceMetrics metrics,
        FleetStore? fleet = null)
    {
        Name = name;
        _factory = factory;
        Time = time;
        Telemetry = new ClientTelemetry(name, logger, metrics);
        _options = factory.Create(name);
        Hosts = new HostTable(time, fleet, name);
        Deadlines = new AttemptDeadlines(time);
        Strategies = AttemptStrategies.For(time, random, Telemetry);
        foreach (IOptionsChangeTokenSource<ResilientHttpOptions> source in changeSources)
        {
            if (source.Name is null || source.Name == name)
            {
                _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
            }
        }
    }

    public string Name { get; }

    public HostTable Hosts { get; }

    /// <summary>Gets the timer of the client's attempts.</summary>
    public AttemptDeadlines Deadlines { get; }

    /// <summary>Gets the capabilities every attempt goes through.</summary>
    public AttemptStrategies Strategies { get; }

    public TimeProvider Time { get; }

    /// <summary>Gets where everything the client's pipeline has to tell is reported.</summary>
    public ClientTelemetry Telemetry { get; }

    /// <summary>Gets the options in force: read once per call, so a reload applies to new calls.</summary>
    public ResilientHttpOptions Options => Volatile.Read(ref _options);

    public void Dispose()
    {
        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        Deadlines.Dispose();
    }

    private void Reload()
    {
        try
        {
            Volatile.Write(ref _options, _factory.Create(Name));
            Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.OptionsReloaded });
        }
        catch (OptionsValidationException ex)
        {
            Telemetry.Report(new ResilienceEvent { Kind = ResilienceEventKind.OptionsReloadRejected, Text = string.Join(" ", ex.Failures) });
        }
    }
}
