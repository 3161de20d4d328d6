using System.Globalization;
using ResilientHttp.Simulator;

namespace ResilientHttp.FleetRun;

/// <summary>One real run's world and fleet: the simulator's <c>FleetOutageSettings</c>, split into P processes of K clients.</summary>
internal sealed record RunSettings
{
    /// <summary>Gets P: worker processes.</summary>
    public int Processes { get; init; } = 4;

    /// <summary>Gets K: clients (service providers, the simulator's "processes") per worker process.</summary>
    public int ClientsPerProcess { get; init; } = 250;

    /// <summary>Gets C: attempts the server completes per second when healthy.</summary>
    public double Capacity { get; init; } = 200;

    /// <summary>Gets λ as a fraction of C: the fleet's total rate of new calls.</summary>
    public double Load { get; init; } = 0.5;

    /// <summary>Gets T: the outage's length in seconds.</summary>
    public int OutageSeconds { get; init; } = 30;

    public OutageMode Mode { get; init; } = OutageMode.BlackHole;

    /// <summary>Gets whether the clients share their retry budget through Redis (<c>AddResilientHttpRedis</c>).</summary>
    public bool Shared { get; init; }

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int LeaseSize { get; init; } = 4;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    public int OutageStartSecond { get; init; } = 30;

    /// <summary>Gets the seconds after the outage's end that amplification and success are measured over (the simulator's 60).</summary>
    public int WindowAfterSeconds { get; init; } = 60;

    /// <summary>Gets the seconds new calls go on being made after the window ends.</summary>
    public int TailSeconds { get; init; } = 5;

    /// <summary>Gets the seconds the calls still running when new calls stop may take to finish, before they are cancelled (counted as failed).</summary>
    public int DrainSeconds { get; init; } = 50;

    /// <summary>Gets the seconds between the workers' launch and the common start (building K service providers, JIT, warm-up calls).</summary>
    public int WarmupSeconds { get; init; } = 12;

    /// <summary>Gets how long the queue may get, in seconds of healthy work (the limit is this times C).</summary>
    public double QueueSeconds { get; init; } = 20;

    public ulong Seed { get; init; } = 20261129;

    /// <summary>Gets a file the run's result is appended to, as one JSON line.</summary>
    public string? Output { get; init; }

    /// <summary>Gets whether a per-5-second timeline is written to stderr.</summary>
    public bool Timeline { get; init; } = true;

    public int Clients => Processes * ClientsPerProcess;

    public int OutageEndSecond => OutageStartSecond + OutageSeconds;

    public int WindowEndSecond => OutageEndSecond + WindowAfterSeconds;

    /// <summary>Gets the seconds from the common start during which new calls are made.</summary>
    public int LoadSeconds => WindowEndSecond + TailSeconds;

    /// <summary>Gets the length of the per-second series every process keeps (loading, draining, and a margin).</summary>
    public int SeriesSeconds => LoadSeconds + DrainSeconds + 10;

    public int QueueLimit => (int)(QueueSeconds * Capacity);

    /// <summary>Gets each client's rate of new calls, per second: λ·C/(P·K).</summary>
    public double RatePerClient => Load * Capacity / Clients;

    /// <summary>Gets the simulator's fleet-store spec of these options, without the latency (<c>L=1,D=5,F=1</c>).</summary>
    public string StoreSpec => string.Create(CultureInfo.InvariantCulture, $"L={LeaseSize},D={LeaseDuration.TotalSeconds:0.###},F={FlushInterval.TotalSeconds:0.###}");

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"N={Clients} (P={Processes}×K={ClientsPerProcess}), C={Capacity:0}, λ={Load:0.0##}C, T={OutageSeconds}s, {Mode}, {(Shared ? "library defaults + shared budget (" + StoreSpec + ")" : "library defaults")}");

    public static RunSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new RunSettings();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--worker")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            string value = args[++i];
            settings = name switch
            {
                "--processes" => settings with { Processes = Int(value) },
                "--clients" => settings with { ClientsPerProcess = Int(value) },
                "--capacity" => settings with { Capacity = Double(value) },
                "--load" => settings with { Load = Double(value) },
                "--outage" => settings with { OutageSeconds = Int(value) },
                "--mode" => settings with { Mode = Enum.Parse<OutageMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true) },
                "--shared" => settings with { Shared = bool.Parse(value) },
                "--flush" => settings with { FlushInterval = Seconds(value) },
                "--lease-size" => settings with { LeaseSize = Int(value) },
                "--lease-duration" => settings with { LeaseDuration = Seconds(value) },
                "--store-timeout" => settings with { StoreTimeout = Seconds(value) },
                "--outage-start" => settings with { OutageStartSecond = Int(value) },
                "--after" => settings with { WindowAfterSeconds = Int(value) },
                "--tail" => settings with { TailSeconds = Int(value) },
                "--drain" => settings with { DrainSeconds = Int(value) },
                "--warmup" => settings with { WarmupSeconds = Int(value) },
                "--queue-seconds" => settings with { QueueSeconds = Double(value) },
                "--seed" => settings with { Seed = ulong.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => settings with { Output = value },
                "--timeline" => settings with { Timeline = bool.Parse(value) },

                // The worker's own options, read by WorkerArguments.
                "--index" or "--start" or "--url" or "--redis" or "--prefix" => settings,
                _ => throw new ArgumentException(
                    $"Unknown option {name}. Options: --processes P, --clients K, --capacity C, --load L, --outage T, --mode blackhole|failfast|brownout, --shared true|false, " +
                    "--flush S, --lease-size N, --lease-duration S, --store-timeout S, --outage-start S, --after S, --tail S, --drain S, --warmup S, --queue-seconds S, --seed N, --out FILE, --timeline true|false."),
            };
        }

        return settings;
    }

    /// <summary>Gets the arguments that give a worker these settings.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "--processes", Text(Processes),
        "--clients", Text(ClientsPerProcess),
        "--capacity", Text(Capacity),
        "--load", Text(Load),
        "--outage", Text(OutageSeconds),
        "--mode", Mode.ToString(),
        "--shared", Shared ? "true" : "false",
        "--flush", Text(FlushInterval.TotalSeconds),
        "--lease-size", Text(LeaseSize),
        "--lease-duration", Text(LeaseDuration.TotalSeconds),
        "--store-timeout", Text(StoreTimeout.TotalSeconds),
        "--outage-start", Text(OutageStartSecond),
        "--after", Text(WindowAfterSeconds),
        "--tail", Text(TailSeconds),
        "--drain", Text(DrainSeconds),
        "--seed", Seed.ToString(CultureInfo.InvariantCulture),
    ];

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static double Double(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(Double(value));

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
