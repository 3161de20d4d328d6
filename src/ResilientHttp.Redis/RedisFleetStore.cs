using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ResilientHttp.Redis;

/// <summary>
/// The fleet's store on Redis. Nothing here is on a call's path: shares enlist themselves, and one background loop
/// reports every enlisted share in one pipelined batch each <see cref="FleetOptions.FlushInterval"/> (at once when a
/// lease ran out), turns each answer into the share's lease, and publishes and receives pauses. Any failure or an
/// exchange slower than <see cref="FleetOptions.StoreTimeout"/> makes every share local again, said once in the log and
/// in the metric; the first exchange that succeeds again shares them again.
/// </summary>
internal sealed class RedisFleetStore : FleetStore, IAsyncDisposable, IDisposable
{
    private const int Unknown = 0;
    private const int Up = 1;
    private const int Down = 2;

    private readonly FleetOptions _options;
    private readonly ConfigurationOptions? _configuration;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Counter<long> _unavailable;
    private readonly System.Collections.Concurrent.ConcurrentQueue<FleetShare> _queue = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _process = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;
    private readonly bool _ownsConnection;
    private IConnectionMultiplexer? _connection;
    private ResilienceRegistry? _registry;
    private Task? _loop;
    private int _started;
    private int _subscription;
    private Action<RedisChannel, RedisValue>? _handler;
    private int _woken;
    private int _state = Unknown;
    private long _downSince;

    public RedisFleetStore(FleetOptions options, ConfigurationOptions? configuration, IConnectionMultiplexer? connection, IServiceProvider services)
    {
        _options = options;
        _configuration = configuration;
        _connection = connection;
        _ownsConnection = connection is null;
        _services = services;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("ResilientHttp.Redis") ?? NullLogger.Instance;
        Meter meter = services.GetService<IMeterFactory>()?.Create("ResilientHttp") ?? new Meter("ResilientHttp");
        _unavailable = meter.CreateCounter<long>(
            "resilienthttp.fleet.store_unavailable", "{loss}", "Times the fleet store (Redis) was lost and decisions fell back to each process's local budget.");
        meter.CreateObservableGauge(
            "resilienthttp.fleet.store_available", () => Volatile.Read(ref _state) == Up ? 1 : 0, "{store}", "1 while the fleet store (Redis) answers; 0 while budgets and pauses are local.");
        _channel = RedisChannel.Literal(options.KeyPrefix + ":pauses");
    }

    public override TimeSpan AnswerTimeout => _options.StoreTimeout;

    /// <summary>Gets whether this process hears the fleet's pauses (its subscription to the pause channel is in place).</summary>
    public bool IsSubscribed => Volatile.Read(ref _subscription) == 2;

    /// <summary>Gets whether the store answered its last exchange.</summary>
    public bool IsAvailable => Volatile.Read(ref _state) == Up;

    public override void Enlist(FleetShare share, bool urgent)
    {
        _queue.Enqueue(share);
        Start();
        if (urgent)
        {
            Wake();
        }
    }

    public override void Wake()
    {
        if (Interlocked.Exchange(ref _woken, 1) == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
            {
                // Already woken (the loop reset the flag as another call woke it), or the store is gone: nothing to do.
            }
        }
    }

    // On the caller's thread (a pause was just recorded): nothing here may throw, or wait.
    public override void Publish(FleetShare share, TimeSpan hold, WaitSource source)
    {
        if (!_options.SharePauses || Volatile.Read(ref _state) != Up || Volatile.Read(ref _connection) is not { } connection || hold <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            long milliseconds = Math.Max(1, (long)Math.Ceiling(hold.TotalMilliseconds));
            string message = string.Join('\n', _process, source == WaitSource.RateLimit ? "q" : "r", milliseconds.ToString(CultureInfo.InvariantCulture), share.Host.Authority, share.Client);
            _ = PublishAsync(connection.GetDatabase().ScriptEvaluateAsync(FleetScripts.Pause, new
            {
                pause = PauseKey(share),
                milliseconds,
                slack = (long)PublishSlack.TotalMilliseconds,
                channel = _options.KeyPrefix + ":pauses",
                message,
            }));
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is going away (the application's, disposed first, or ours at shutdown): the pause stays local.
        }
    }

    /// <summary>Gets by how much a pause must outlast the one the store keeps to be announced again: at most one message per host and second.</summary>
    internal static TimeSpan PublishSlack { get; } = TimeSpan.FromSeconds(1);

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        // From here on nothing is published and no share waits on this store.
        Volatile.Write(ref _state, Down);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        IConnectionMultiplexer? connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            if (_ownsConnection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else if (_handler is { } handler)
            {
                // The application's connection outlives this store: it must not keep calling into a disposed provider.
                try
                {
                    await connection.GetSubscriber().UnsubscribeAsync(_channel, handler).WaitAsync(_options.StoreTimeout).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
                {
                    // Gone already.
                }
            }
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    // Hash-tagged: a host's bucket and pause live in one slot, so the report's script runs on a Redis Cluster too.
    private RedisKey BucketKey(FleetShare share) => $"{_options.KeyPrefix}:budget:{{{share.Client}|{share.Host.Authority}}}";

    private RedisKey PauseKey(FleetShare share) => $"{_options.KeyPrefix}:pause:{{{share.Client}|{share.Host.Authority}}}";

    private void Start()
    {
        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        long lastRound = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_options.FlushInterval, stop).ConfigureAwait(false);
                Volatile.Write(ref _woken, 0);

                // Urgent rounds at most every few milliseconds: a busy process whose leases run out every retry still
                // batches its reports, at a bounded rate, instead of a round trip per retry.
                TimeSpan since = System.Diagnostics.Stopwatch.GetElapsedTime(lastRound);
                if (since < MinimumRoundInterval)
                {
                    await Task.Delay(MinimumRoundInterval - since, stop).ConfigureAwait(false);
                }

                lastRound = System.Diagnostics.Stopwatch.GetTimestamp();
                if (!await RoundAsync().ConfigureAwait(false))
                {
                    // Lost: ask again after a flush interval, however urgent the shares are, so a down store is not hammered.
                    await Task.Delay(_options.FlushInterval, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the loop goes on and the shares are local until a round succeeds: a store that
                // stopped silently would leave every retry waiting for answers nobody sends.
                Lost(ex.GetType().Name);
            }
        }
    }

    /// <summary>Gets the least time between two rounds.</summary>
    internal static TimeSpan MinimumRoundInterval { get; } = TimeSpan.FromMilliseconds(5);

    // One batch: every enlisted share's report, pipelined, answered within the store timeout or not at all.
    private async Task<bool> RoundAsync()
    {
        IConnectionMultiplexer? connection = await ConnectAsync().ConfigureAwait(false);
        if (connection is null || !connection.IsConnected)
        {
            // The shares stay enlisted, their reports kept, for the round after the store is back.
            Lost("not connected");
            return false;
        }

        if (_queue.IsEmpty)
        {
            // Nothing to report: a ping, so that a store lost while this process was idle is known to be lost (and its
            // shares local) before any lease it granted goes stale.
            return await ExchangeAsync(connection.GetDatabase().PingAsync()).ConfigureAwait(false);
        }

        HashSet<FleetShare> shares = new(ReferenceEqualityComparer.Instance);
        while (_queue.TryDequeue(out FleetShare? share))
        {
            shares.Add(share);
        }

        IDatabase database = connection.GetDatabase();
        long lifetime = (long)_options.KeyLifetime.TotalMilliseconds;
        List<(FleetShare Share, Task<RedisResult> Answer)> exchanges = new(shares.Count);
        foreach (FleetShare share in shares)
        {
            FleetReport report = share.TakeReport();
            exchanges.Add((share, database.ScriptEvaluateAsync(FleetScripts.Report, new
            {
                bucket = BucketKey(share),
                pause = PauseKey(share),
                earned = report.Earned,
                spent = report.Spent,
                capacity = share.Capacity,
                lifetime,
            })));
        }

        if (!await ExchangeAsync(Task.WhenAll(exchanges.Select(e => e.Answer)), perShareErrors: true).ConfigureAwait(false))
        {
            // This batch's reports are lost (at most one flush interval of earnings and spending): the store, not the
            // calls, pays for its failure.
            return false;
        }

        foreach ((FleetShare share, Task<RedisResult> answer) in exchanges)
        {
            // A key the script could not use (a value not its own, a permission) costs that share its answer, not every share.
            if (answer.IsCompletedSuccessfully)
            {
                Apply(share, answer.Result);
            }
        }

        return true;
    }

    // Any answer that is not the script's own (another program wrote the key, a proxy) leaves the share as it was.
    private void Apply(FleetShare share, RedisResult answer)
    {
        if (answer.Resp2Type != ResultType.Array || (RedisResult[]?)answer is not [var balanceText, var pauseLeft, ..] ||
            !double.TryParse((string?)balanceText, NumberStyles.Float, CultureInfo.InvariantCulture, out double balance) ||
            pauseLeft.Resp2Type != ResultType.Integer)
        {
            return;
        }

        share.Answered(balance, _options.LeaseSize, _options.LeaseDuration);
        long pause = (long)pauseLeft;
        if (pause > 0 && _options.SharePauses)
        {
            share.PauseReceived(TimeSpan.FromMilliseconds(pause), WaitSource.Pacing);
        }
    }

    private async Task<IConnectionMultiplexer?> ConnectAsync()
    {
        IConnectionMultiplexer? connection = Volatile.Read(ref _connection);
        if (connection is null && _stop.IsCancellationRequested)
        {
            return null;
        }

        try
        {
            if (connection is null)
            {
                connection = await ConnectionMultiplexer.ConnectAsync(_configuration!).ConfigureAwait(false);
                if (_stop.IsCancellationRequested || Interlocked.CompareExchange(ref _connection, connection, null) is not null)
                {
                    // Disposed while connecting: this connection is nobody's.
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            // Once, on the store's own connection or the application's (the client subscribes again after a reconnect);
            // in the background, so that a slow subscription never holds up the budget's rounds.
            if (_options.SharePauses && connection.IsConnected && Interlocked.CompareExchange(ref _subscription, 1, 0) == 0)
            {
                _ = SubscribeAsync(connection);
            }

            return connection;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Lost(Reason(ex));
            return null;
        }
    }

    private async Task SubscribeAsync(IConnectionMultiplexer connection)
    {
        try
        {
            _handler ??= (_, message) => Received(message);
            await connection.GetSubscriber().SubscribeAsync(_channel, _handler).ConfigureAwait(false);
            Volatile.Write(ref _subscription, 2);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Tried again at the next round; meanwhile the reports' answers carry the pauses kept in the store.
            Volatile.Write(ref _subscription, 0);
        }
    }

    // An exchange of the loop: answered in time (Restored), or the store is lost. With per-share errors, a script's error on
    // one key (RedisServerException) is that key's, not the store's.
    private async Task<bool> ExchangeAsync(Task exchange, bool perShareErrors = false)
    {
        try
        {
            await exchange.WaitAsync(_options.StoreTimeout).ConfigureAwait(false);
        }
        catch (RedisServerException) when (perShareErrors)
        {
            // Some scripts failed on their keys; the others answered (only connection errors and timeouts lose the store).
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Lost(Reason(ex));
            return false;
        }

        Restored();
        return true;
    }

    // A publish that fails tells nothing the loop's next round will not: it is dropped, and changes no state.
    private static async Task PublishAsync(Task exchange)
    {
        try
        {
            await exchange.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The pause stays local to this process.
        }
    }

    private string Reason(Exception ex) =>
        ex is TimeoutException ? $"no answer within {_options.StoreTimeout.TotalMilliseconds:0} ms" : ex.GetType().Name;

    // "pid\nsource\nms\nauthority\nclient": a pause another process was asked for. Anything else is ignored.
    private void Received(RedisValue message)
    {
        string[] parts = ((string?)message ?? string.Empty).Split('\n', 5);
        if (parts.Length != 5 || parts[0] == _process || _stop.IsCancellationRequested ||
            !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds) ||
            milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return;
        }

        Registry()?.FindClient(parts[4])?.Hosts.Find(parts[3])?.Fleet?.PauseReceived(
            TimeSpan.FromMilliseconds(milliseconds), parts[1] == "q" ? WaitSource.RateLimit : WaitSource.RetryAfter);
    }

    private ResilienceRegistry? Registry()
    {
        try
        {
            return _registry ??= _services.GetService<ResilienceRegistry>();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private void Lost(string reason)
    {
        // Every share decides locally from now on; said once per loss.
        if (Registry() is { } registry)
        {
            foreach (ClientState client in registry.Clients)
            {
                foreach (HostState host in client.Hosts.Hosts)
                {
                    host.Fleet?.Lost();
                }
            }
        }

        if (Interlocked.Exchange(ref _state, Down) != Down)
        {
            Volatile.Write(ref _downSince, System.Diagnostics.Stopwatch.GetTimestamp());
            _unavailable.Add(1);
            FleetLog.StoreUnavailable(_logger, reason);
        }
    }

    private void Restored()
    {
        if (!_stop.IsCancellationRequested && Interlocked.Exchange(ref _state, Up) == Down)
        {
            FleetLog.StoreRestored(_logger, System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _downSince)).TotalSeconds);
        }
    }
}
