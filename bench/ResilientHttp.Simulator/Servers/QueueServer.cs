namespace ResilientHttp.Simulator;

/// <summary>
/// The fleet-outage server: one FIFO queue in front of a worker that serves <c>capacity</c> attempts per
/// second (a fixed service time), 503 at once when the queue is full. It cannot see that a client has given
/// up on a queued attempt, so it serves it anyway: that is the wasted work that lets retries keep a
/// recovered server down. An outage window makes it fail in one of three ways (<see cref="OutageMode"/>); a
/// transient failure rate makes it answer that share of attempts 503 at once, independently, outage or not.
/// A shedding server (<c>app.UseRequestDeadline()</c> in front of the same queue) reads each attempt's
/// <c>Request-Timeout-Ms</c>, counted from the attempt's arrival: an attempt taken off the queue after its sender's time
/// ran out is answered 503 for a fiftieth of a service time, instead of being served.
/// </summary>
internal sealed class QueueServer : IAttemptServer, IEventSink
{
    private const int ServiceDoneEvent = 0;
    private const int OutageStartsEvent = 1;
    private const int OutageEndsEvent = 2;
    private const double BrownOutCapacityFactor = 0.25;

    // Reading a header and writing a 503 instead of running the endpoint: near zero, but not free.
    private const double ShedCostFactor = 0.02;

    private readonly Scheduler _scheduler;
    private readonly ClientFleet _fleet;
    private readonly Queue<Attempt> _queue = new();
    private readonly double _capacity;
    private readonly int _queueLimit;
    private readonly OutageMode _mode;
    private readonly double[] _busySeconds;
    private readonly double[] _wastedSeconds;
    private readonly double[] _shedSeconds;
    private readonly double _transientFailureRate;
    private readonly SeededRandom? _failures;
    private readonly bool _shedsExpired;
    private Attempt? _inService;
    private bool _shedding;
    private long _serviceTicks;
    private bool _down;

    public QueueServer(Scheduler scheduler, ClientFleet fleet, double capacity, int queueLimit, OutageMode mode, long outageStart, long outageEnd, int seconds, double transientFailureRate = 0, ulong seed = 0, bool shedsExpired = false)
    {
        _shedsExpired = shedsExpired;
        _transientFailureRate = transientFailureRate;
        _failures = transientFailureRate > 0 ? new SeededRandom(seed) : null;
        _scheduler = scheduler;
        _fleet = fleet;
        _capacity = capacity;
        _queueLimit = queueLimit;
        _mode = mode;
        _busySeconds = new double[seconds];
        _wastedSeconds = new double[seconds];
        _shedSeconds = new double[seconds];
        if (outageEnd > outageStart)
        {
            scheduler.At(outageStart, this, OutageStartsEvent);
            scheduler.At(outageEnd, this, OutageEndsEvent);
        }
    }

    /// <summary>Gets the seconds of work done, per second of the run (by completion time).</summary>
    public IReadOnlyList<double> BusySeconds => _busySeconds;

    /// <summary>Gets the seconds of work done for attempts already abandoned, per second of the run.</summary>
    public IReadOnlyList<double> WastedSeconds => _wastedSeconds;

    /// <summary>Gets the seconds of work spent answering 503 to attempts whose sender's time had run out, per second of the run.</summary>
    public IReadOnlyList<double> ShedSeconds => _shedSeconds;

    /// <summary>Gets the number of attempts waiting now.</summary>
    public int Queued => _queue.Count;

    /// <summary>Gets how many attempts were answered 503 because their sender's time had run out (a shedding server only).</summary>
    public long Shed { get; private set; }

    private double CurrentCapacity => _down && _mode == OutageMode.BrownOut ? _capacity * BrownOutCapacityFactor : _capacity;

    public void Receive(Attempt attempt)
    {
        attempt.ArrivedAt = _scheduler.Now;

        // A healthy server's background of independent transient failures: what retries are for.
        if (_failures is not null && _failures.NextDouble() < _transientFailureRate)
        {
            _fleet.Respond(attempt, 503);
            return;
        }

        if (_down && _mode == OutageMode.FailFast)
        {
            _fleet.Respond(attempt, 503);
            return;
        }

        if (_down && _mode == OutageMode.BlackHole)
        {
            return; // Taken, never answered.
        }

        if (_queue.Count >= _queueLimit)
        {
            _fleet.Respond(attempt, 503);
            return;
        }

        _queue.Enqueue(attempt);
        if (_inService is null)
        {
            StartNext();
        }
    }

    public void Handle(int kind, object? target)
    {
        switch (kind)
        {
            case ServiceDoneEvent when ReferenceEquals(target, _inService):
                Complete(_inService!);
                break;
            case OutageStartsEvent:
                StartOutage();
                break;
            case OutageEndsEvent:
                _down = false;
                if (_inService is null && _queue.Count > 0)
                {
                    StartNext();
                }

                break;
        }
    }

    private void StartOutage()
    {
        _down = true;
        if (_mode == OutageMode.BrownOut)
        {
            return; // The attempt in service finishes at the old pace; the next ones are slower.
        }

        // The workers die: what was queued or in service is answered 503 (fail-fast) or lost (black hole).
        if (_inService is not null)
        {
            _queue.Enqueue(_inService);
            _inService = null;
        }

        while (_queue.TryDequeue(out Attempt? lost))
        {
            if (_mode == OutageMode.FailFast)
            {
                _fleet.Respond(lost, 503);
            }
        }
    }

    private void StartNext()
    {
        if (!_queue.TryDequeue(out Attempt? next))
        {
            _inService = null;
            return;
        }

        _inService = next;
        _shedding = _shedsExpired && Expired(next);
        double cost = _shedding ? ShedCostFactor : 1;
        _serviceTicks = Math.Max(1, (long)Math.Round(cost * TimeSpan.TicksPerSecond / CurrentCapacity));
        _scheduler.After(_serviceTicks, this, ServiceDoneEvent, next);
    }

    // What UseRequestDeadline sees at the endpoint's start: the sender's time, counted from arrival, is up.
    private bool Expired(Attempt attempt) =>
        attempt.RequestTimeout is { } allowed && _scheduler.Now - attempt.ArrivedAt >= allowed.Ticks;

    private void Complete(Attempt attempt)
    {
        int second = (int)(_scheduler.Now / TimeSpan.TicksPerSecond);
        double work = VirtualClock.Seconds(_serviceTicks);
        if (second < _busySeconds.Length)
        {
            _busySeconds[second] += work;
            if (attempt.Abandoned)
            {
                _wastedSeconds[second] += work;
            }

            if (_shedding)
            {
                _shedSeconds[second] += work;
            }
        }

        if (_shedding)
        {
            Shed++;
        }

        _fleet.Respond(attempt, _shedding ? 503 : 200);
        StartNext();
    }
}
