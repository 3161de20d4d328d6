namespace ResilientHttp.FleetRun;

/// <summary>What one worker process counted, per second from the common start: printed as one JSON line.</summary>
internal sealed class WorkerReport
{
    public int Index { get; set; }

    /// <summary>Gets or sets the calls started, per second (by start).</summary>
    public long[] Started { get; set; } = [];

    /// <summary>Gets or sets the calls that finally succeeded, per second of their start.</summary>
    public long[] SucceededByStart { get; set; } = [];

    /// <summary>Gets or sets the calls that succeeded, per second of their end.</summary>
    public long[] SucceededByEnd { get; set; } = [];

    /// <summary>Gets or sets the calls that failed (or were still running when the drain ended), per second of their end.</summary>
    public long[] FailedByEnd { get; set; } = [];

    /// <summary>Gets or sets the attempts the clients sent (the primary handler's sends: what reached the network), per second.</summary>
    public long[] Sends { get; set; } = [];

    /// <summary>Gets or sets the 200 answers the clients still waited for, per second (the simulator's goodput).</summary>
    public long[] Goodput { get; set; } = [];

    /// <summary>Gets or sets the calls still running when the drain ended (cancelled, counted as failed).</summary>
    public long Unfinished { get; set; }

    /// <summary>Gets or sets the mean delay between a call's Poisson arrival time and its start, in ms.</summary>
    public double MeanStartLatenessMs { get; set; }

    /// <summary>Gets or sets the longest such delay, in ms.</summary>
    public double MaxStartLatenessMs { get; set; }

    /// <summary>Gets or sets the process's CPU time over the whole run, in seconds.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>Gets or sets the process's CPU time from the common start to the end of the load, in seconds.</summary>
    public double LoadCpuSeconds { get; set; }

    /// <summary>Gets or sets how many of the clients' fleet shares had a fresh answer of the store at the end of the load (shared runs).</summary>
    public int SharesAnswered { get; set; }

    /// <summary>Gets or sets the store answers all the clients' shares had (shared runs).</summary>
    public long StoreAnswers { get; set; }

    /// <summary>Gets or sets how many clients' stores were available at the end of the load (shared runs).</summary>
    public int StoresAvailable { get; set; }
}
