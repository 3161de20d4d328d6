using System.Diagnostics;
using ResilientHttp.Simulator;

namespace ResilientHttp.FleetRun;

/// <summary>
/// The simulator's <c>QueueServer</c> in real time: one FIFO queue in front of one worker that completes an attempt every
/// 1/C s (a fixed service time), 503 at once when the queue holds <c>QueueSeconds × C</c> attempts. Like the simulator's,
/// it cannot see that a client gave up on a queued attempt and serves it anyway (the wasted work). The outage window
/// [start, end) makes it fail as the simulator's does: a black hole takes every attempt and never answers (the request is
/// held until its client gives up), and loses what was queued or in service when it began; fail-fast answers 503 at once
/// and answers 503 to what was queued; a brown-out serves at a quarter of the pace.
/// <para>
/// Time is kept as the simulator keeps it: <see cref="Advance"/> runs every event due (a completion, the outage's start
/// or end) in order, at its own due time, so that the next service starts when the last one was due to end, not when
/// the loop woke; a request arriving runs the events due before it first. The loop thread only delivers completions
/// late by its wake-up latency (about a millisecond), which it measures.
/// </para>
/// </summary>
internal sealed class QueueServerEmulator : IDisposable
{
    private const double BrownOutCapacityFactor = 0.25;

    private readonly Lock _gate = new();
    private readonly Queue<Ticket> _queue = new();
    private readonly long _serviceTicks;
    private readonly long _start;
    private readonly long _outageStart;
    private readonly long _outageEnd;
    private readonly int _queueLimit;
    private readonly OutageMode _mode;
    private readonly Thread _loop;
    private volatile bool _stopped;
    private Ticket? _inService;
    private long _doneAt;
    private long _serviceOfCurrent;
    private bool _outageStarted;
    private bool _outageEnded;
    private bool _down;
    private double _lateSum;
    private long _lateCount;
    private long _lateMax;

    public QueueServerEmulator(RunSettings settings, long start)
    {
        _start = start;
        _mode = settings.Mode;
        _queueLimit = settings.QueueLimit;
        _serviceTicks = Math.Max(1, (long)Math.Round(Stopwatch.Frequency / settings.Capacity));
        _outageStart = start + (settings.OutageStartSecond * Stopwatch.Frequency);
        _outageEnd = start + (settings.OutageEndSecond * Stopwatch.Frequency);
        if (settings.OutageSeconds <= 0)
        {
            _outageStarted = _outageEnded = true;
        }

        int seconds = settings.SeriesSeconds;
        Arrivals = new long[seconds];
        Served = new long[seconds];
        Rejected = new long[seconds];
        FailedFast = new long[seconds];
        Held = new long[seconds];
        Wasted = new long[seconds];
        QueueLength = new long[seconds];
        _loop = new Thread(Run) { IsBackground = true, Name = "queue server", Priority = ThreadPriority.AboveNormal };
        _loop.Start();
    }

    /// <summary>Gets the attempts received, per second of the run (by arrival).</summary>
    public long[] Arrivals { get; }

    /// <summary>Gets the attempts served (answered 200 or, abandoned, served for nothing), per second (by completion).</summary>
    public long[] Served { get; }

    /// <summary>Gets the attempts answered 503 at once because the queue was full, per second.</summary>
    public long[] Rejected { get; }

    /// <summary>Gets the attempts answered 503 by a fail-fast outage, per second.</summary>
    public long[] FailedFast { get; }

    /// <summary>Gets the attempts a black hole took and never answered (arrived during it, or queued when it began), per second.</summary>
    public long[] Held { get; }

    /// <summary>Gets the attempts served after their client had given up, per second (by completion).</summary>
    public long[] Wasted { get; }

    /// <summary>Gets the longest the queue was in each second.</summary>
    public long[] QueueLength { get; }

    /// <summary>Gets the mean delay between a completion's due time and its delivery, in ms.</summary>
    public double MeanLatenessMs => _lateCount == 0 ? 0 : _lateSum / _lateCount * 1000 / Stopwatch.Frequency;

    /// <summary>Gets the longest delay between a completion's due time and its delivery, in ms.</summary>
    public double MaxLatenessMs => _lateMax * 1000.0 / Stopwatch.Frequency;

    /// <summary>An attempt arrives: answered at once (<see cref="Ticket.Immediate"/>) or queued (<see cref="Ticket.Answer"/>).</summary>
    public Ticket Receive()
    {
        long now = Stopwatch.GetTimestamp();
        var ticket = new Ticket();
        lock (_gate)
        {
            Advance(now);
            int second = Second(now);
            Arrivals[second]++;
            if (_down && _mode == OutageMode.FailFast)
            {
                FailedFast[second]++;
                ticket.Immediate = 503;
                return ticket;
            }

            if (_down && _mode == OutageMode.BlackHole)
            {
                Held[second]++;
                return ticket; // Taken, never answered.
            }

            if (_queue.Count >= _queueLimit)
            {
                Rejected[second]++;
                ticket.Immediate = 503;
                return ticket;
            }

            _queue.Enqueue(ticket);
            QueueLength[second] = Math.Max(QueueLength[second], _queue.Count);
            if (_inService is null)
            {
                StartNext(now);
            }
        }

        return ticket;
    }

    public void Dispose()
    {
        _stopped = true;
        _loop.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            lock (_gate)
            {
                Advance(Stopwatch.GetTimestamp());
            }

            Thread.Sleep(1);
        }
    }

    // Every event due by now, each at its own due time, in order: completions, the outage's start and end.
    private void Advance(long now)
    {
        while (true)
        {
            long next = long.MaxValue;
            int kind = -1;
            if (_inService is not null)
            {
                next = _doneAt;
                kind = 0;
            }

            if (!_outageStarted && _outageStart < next)
            {
                next = _outageStart;
                kind = 1;
            }
            else if (_outageStarted && !_outageEnded && _outageEnd < next)
            {
                next = _outageEnd;
                kind = 2;
            }

            if (kind < 0 || next > now)
            {
                return;
            }

            switch (kind)
            {
                case 0:
                    Complete(next, now);
                    break;
                case 1:
                    StartOutage(next);
                    break;
                default:
                    _outageEnded = true;
                    _down = false;
                    if (_inService is null && _queue.Count > 0)
                    {
                        StartNext(next);
                    }

                    break;
            }
        }
    }

    private void StartOutage(long at)
    {
        _outageStarted = true;
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

        int second = Second(at);
        while (_queue.TryDequeue(out Ticket? lost))
        {
            if (_mode == OutageMode.FailFast)
            {
                lost.Complete(503);
            }
            else
            {
                Held[second]++;
            }
        }
    }

    private void StartNext(long at)
    {
        if (!_queue.TryDequeue(out Ticket? next))
        {
            _inService = null;
            return;
        }

        _inService = next;
        _serviceOfCurrent = _down && _mode == OutageMode.BrownOut ? (long)Math.Round(_serviceTicks / BrownOutCapacityFactor) : _serviceTicks;
        _doneAt = at + _serviceOfCurrent;
    }

    private void Complete(long at, long now)
    {
        Ticket done = _inService!;
        int second = Second(at);
        Served[second]++;
        if (done.Abandoned)
        {
            Wasted[second]++;
        }

        long late = now - at;
        _lateSum += late;
        _lateCount++;
        _lateMax = Math.Max(_lateMax, late);
        done.Complete(200);
        StartNext(at);
    }

    private int Second(long timestamp)
    {
        long second = (timestamp - _start) / Stopwatch.Frequency;
        return (int)Math.Clamp(timestamp < _start ? 0 : second, 0, Arrivals.Length - 1);
    }

    /// <summary>One attempt at the server: its status now, or the answer it waits for.</summary>
    internal sealed class Ticket
    {
        private readonly TaskCompletionSource<int> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _abandoned;

        /// <summary>Gets or sets the status to answer at once, or null to wait for <see cref="Answer"/>.</summary>
        public int? Immediate { get; set; }

        /// <summary>Gets the status the attempt is answered with when the worker serves it; never, for what a black hole took.</summary>
        public Task<int> Answer => _answer.Task;

        /// <summary>Gets whether the client gave up (its connection closed) before the answer.</summary>
        public bool Abandoned => _abandoned;

        public void Abandon() => _abandoned = true;

        public void Complete(int status) => _answer.TrySetResult(status);
    }
}
