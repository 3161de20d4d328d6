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
        ILogger logger,
        ResilienceMetrics metrics)
    {
        Name = name;
        Metrics = metrics;
        _factory = factory;
        Time = time;
        Logger = logger;
        _options = factory.Create(name);
        Hosts = new HostTable(time);
        Cancellations = new CancellationPool(time);
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

    public CancellationPool Cancellations { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ResilienceMetrics Metrics { get; }

    /// <summary>Gets the options in force: read once per call, so a reload applies to new calls.</summary>
    public ResilientHttpOptions Options => Volatile.Read(ref _options);

    public void Dispose()
    {
        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void Reload()
    {
        try
        {
            Volatile.Write(ref _options, _factory.Create(Name));
            Log.OptionsReloaded(Logger, Name);
        }
        catch (OptionsValidationException ex)
        {
            Log.OptionsReloadRejected(Logger, Name, string.Join(" ", ex.Failures));
        }
    }
}
