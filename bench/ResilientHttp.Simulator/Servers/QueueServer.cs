namespace ResilientHttp.Simulator;

/// <summary>
/// The fleet-outage server: one FIFO queue in front of a worker that serves <c>capacity</c> attempts per
/// second (a fixed service time), 503 at once when the queue is full. It cannot see that a client has given
/// up on a queued attempt, so it serves it anyway: that is the wasted work that lets retries keep a
/// recovered server down. An outage window makes it fail in one of three ways (<see cref="OutageMode"/>); a
/// transient failure rate makes it answer that share of attempts 503 at once, independently, outage or not.
/// </summary>
internal sealed class QueueServer : IAttemptServer, IEventSink
{
    private const int ServiceDoneEvent = 0;
    private const int OutageStartsEvent = 1;
    private const int OutageEndsEvent = 2;
    private const double BrownOutCapacityFactor = 0.25;

    private readonly Scheduler _scheduler;
    private readonly ClientFleet _fleet;
    private readonly Queue<Attempt> _queue = new();
    private readonly double _capacity;
    private readonly int _queueLimit;
    private readonly OutageMode _mode;
    private readonly double[] _busySeconds;
    private readonly double[] _wastedSeconds;
    private readonly double _transientFailureRate;
    private readonly SeededRandom? _failures;
    private Attempt? _inService;
    private long _serviceTicks;
    private bool _down;

    public QueueServer(Scheduler scheduler, ClientFleet fleet, double capacity, int queueLimit, OutageMode mode, long outageStart, long outageEnd, int seconds, double transientFailureRate = 0, ulong seed = 0)
    {
        _transientFailureRate = transientFailureRate;
        _failures = transientFailureRate > 0 ? new SeededRandom(seed) : null;
        _scheduler = scheduler;
        _fleet = fleet;
        _capacity = capacity;
        _queueLimit = queueLimit;
        _mode = mode;
        _busySeconds = new double[seconds];
        _wastedSeconds = new double[seconds];
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

    /// <summary>Gets the number of attempts waiting now.</summary>
    public int Queued => _queue.Count;

    private double CurrentCapacity => _down && _mode == OutageMode.BrownOut ? _capacity * BrownOutCapacityFactor : _capacity;

    public void Receive(Attempt attempt)
    {
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
        _serviceTicks = Math.Max(1, (long)Math.Round(TimeSpan.TicksPerSecond / CurrentCapacity));
        _scheduler.After(_serviceTicks, this, ServiceDoneEvent, next);
    }

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
        }

        _fleet.Respond(attempt, 200);
        StartNext();
    }
}
