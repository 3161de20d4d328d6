using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace ResilientHttp.Tests;

/// <summary>
/// A real Kestrel server on loopback that answers each request with a fault drawn by seeded chance (see
/// <see cref="ChaosFault"/>), and records every request it receives: method, path, idempotency key and
/// the hash of the whole body. During an <see cref="Outage"/> it only answers 503 or drops connections.
/// </summary>
internal sealed class ChaosServer : IAsyncDisposable
{
    /// <summary>The default mix: about one request in three fails one way or another.</summary>
    public static readonly IReadOnlyDictionary<ChaosFault, int> DefaultMix = new Dictionary<ChaosFault, int>
    {
        [ChaosFault.Ok] = 62,
        [ChaosFault.Slow] = 6,
        [ChaosFault.BadGateway] = 3,
        [ChaosFault.Unavailable] = 5,
        [ChaosFault.GatewayTimeout] = 2,
        [ChaosFault.RetryAfterValid] = 2,
        [ChaosFault.RetryAfterHuge] = 2,
        [ChaosFault.RetryAfterPast] = 2,
        [ChaosFault.RetryAfterMalformed] = 2,
        [ChaosFault.Stall] = 4,
        [ChaosFault.Reset] = 5,
        [ChaosFault.AbortMidBody] = 5,
    };

    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly (ChaosFault Fault, int UpTo)[] _table;
    private readonly int _total;
    private readonly TimeSpan _slowest;
    private readonly ConcurrentQueue<ChaosReceipt> _receipts = new();
    private KestrelServer _server = null!;
    private int _inFlight;
    private int _maxInFlight;
    private int _openConnections;
    private int _connections;
    private volatile bool _outage;

    private ChaosServer(int seed, IReadOnlyDictionary<ChaosFault, int> mix, TimeSpan slowest)
    {
        _random = new Random(seed);
        _slowest = slowest;
        int sum = 0;
        _table = mix.Where(m => m.Value > 0).Select(m => (m.Key, sum += m.Value)).ToArray();
        _total = sum;
    }

    public Uri Address => _server.Address;

    /// <summary>Gets every request received so far.</summary>
    public IReadOnlyCollection<ChaosReceipt> Receipts => _receipts;

    /// <summary>Gets the most requests the server was handling at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Gets the connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Gets the connections ever accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets or sets whether the server is down: every request gets 503 or a dropped connection.</summary>
    public bool Outage
    {
        get => _outage;
        set => _outage = value;
    }

    /// <param name="seed">The seed of the fault draws.</param>
    /// <param name="mix">The weight of each fault; <see cref="DefaultMix"/> when <see langword="null"/>.</param>
    /// <param name="slowest">The longest delay of a <see cref="ChaosFault.Slow"/> answer.</param>
    public static async Task<ChaosServer> StartAsync(int seed, IReadOnlyDictionary<ChaosFault, int>? mix = null, TimeSpan? slowest = null)
    {
        var chaos = new ChaosServer(seed, mix ?? DefaultMix, slowest ?? TimeSpan.FromSeconds(1));
        chaos._server = await KestrelServer.StartAsync(chaos.HandleAsync, listen => listen.Use(chaos.CountConnection));
        return chaos;
    }

    private ConnectionDelegate CountConnection(ConnectionDelegate next) => async connection =>
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _openConnections);
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _openConnections);
        }
    };

    private async Task HandleAsync(HttpContext context)
    {
        int inFlight = Interlocked.Increment(ref _inFlight);
        AtomicMax.Raise(ref _maxInFlight, inFlight);
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            (ChaosFault fault, double draw) = Draw();
            _receipts.Enqueue(new ChaosReceipt(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Headers["Idempotency-Key"].FirstOrDefault(),
                Convert.ToHexString(SHA256.HashData(body.ToArray())),
                fault));
            await AnswerAsync(context, fault, draw);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (attempt timeout or cancellation): nothing to answer.
        }
        catch (IOException)
        {
            // The client dropped the connection while the body was read.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private (ChaosFault Fault, double Draw) Draw()
    {
        lock (_randomGate)
        {
            double draw = _random.NextDouble();
            if (_outage)
            {
                return (_random.Next(2) == 0 ? ChaosFault.Unavailable : ChaosFault.Reset, draw);
            }

            int pick = _random.Next(_total);
            return (_table.First(t => pick < t.UpTo).Fault, draw);
        }
    }

    private async Task AnswerAsync(HttpContext context, ChaosFault fault, double draw)
    {
        HttpResponse response = context.Response;
        switch (fault)
        {
            case ChaosFault.Ok:
                response.StatusCode = 200;
                await response.WriteAsync("ok", context.RequestAborted);
                break;
            case ChaosFault.Slow:
                await Task.Delay(_slowest * draw, context.RequestAborted);
                response.StatusCode = 200;
                await response.WriteAsync("slow", context.RequestAborted);
                break;
            case ChaosFault.BadGateway:
                response.StatusCode = 502;
                break;
            case ChaosFault.Unavailable:
                response.StatusCode = 503;
                break;
            case ChaosFault.GatewayTimeout:
                response.StatusCode = 504;
                break;
            case ChaosFault.RetryAfterValid:
                response.StatusCode = 429;
                response.Headers.RetryAfter = "1";
                break;
            case ChaosFault.RetryAfterHuge:
                response.StatusCode = 503;
                response.Headers.RetryAfter = "99999999999";
                break;
            case ChaosFault.RetryAfterPast:
                response.StatusCode = 429;
                response.Headers.RetryAfter = DateTimeOffset.UnixEpoch.AddYears(20).ToString("r", CultureInfo.InvariantCulture);
                break;
            case ChaosFault.RetryAfterMalformed:
                response.StatusCode = 429;
                response.Headers.RetryAfter = "soon, maybe";
                break;
            case ChaosFault.Stall:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                break;
            case ChaosFault.Reset:
                context.Abort();
                break;
            case ChaosFault.AbortMidBody:
                response.StatusCode = 200;
                response.ContentLength = 4096;
                await response.Body.WriteAsync(new byte[512], context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
                context.Abort();
                break;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
