using System.Globalization;

namespace ResilientHttp.Simulator;

/// <summary>The modelled fleet store's parameters: the store's one-way latency, and the loop's and the leases' settings.</summary>
/// <param name="LeaseSize">The most retries one answer's lease pays for.</param>
/// <param name="LeaseDuration">How long a lease may be used before the store is asked again.</param>
/// <param name="FlushInterval">How often a process's loop reports its enlisted shares (an urgent need reports at once).</param>
/// <param name="Latency">The store's one-way latency: a report reaches the bucket this much later, and its answer as much again.</param>
internal sealed record FleetStoreSettings(int LeaseSize, TimeSpan LeaseDuration, TimeSpan FlushInterval, TimeSpan Latency)
{
    /// <summary>
    /// Gets whether the store nets a report before capping it (what-if, not the library's rule): <c>min(cap, balance + earned −
    /// spent)</c> instead of <see cref="FleetBucket.Apply"/>'s <c>min(cap, balance + earned) − spent</c>.
    /// </summary>
    public bool NetFirst { get; init; }

    /// <summary>
    /// Gets the window of the fleet's earnings the bucket may hold beyond its capacity (what-if, not the library's rule, whose
    /// cap is the capacity): the cap is <c>max(capacity, the earnings reported over about this window)</c>; zero for the library's.
    /// </summary>
    public TimeSpan EarningsWindow { get; init; }

    /// <summary>Gets the settings chosen by the fleet-store sweep (docs/fleet-store.md).</summary>
    public static FleetStoreSettings Default { get; } = new(4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(0.5));

    /// <summary>Gets a short spec, as <see cref="Parse"/> reads it: <c>L=4,D=5,F=0.5,lat=0.5</c> (seconds, and milliseconds for the latency).</summary>
    public string Spec => string.Create(
        CultureInfo.InvariantCulture,
        $"L={LeaseSize},D={LeaseDuration.TotalSeconds:0.###},F={FlushInterval.TotalSeconds:0.###},lat={Latency.TotalMilliseconds:0.###}{(NetFirst ? ",net" : string.Empty)}{(EarningsWindow > TimeSpan.Zero ? $",cap={EarningsWindow.TotalSeconds:0.###}" : string.Empty)}");

    /// <summary>Reads a spec such as <c>L=2,D=5,F=1,lat=0.5</c>; what it leaves out is <see cref="Default"/>'s.</summary>
    public static FleetStoreSettings Parse(string spec)
    {
        FleetStoreSettings settings = Default;
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "net")
            {
                settings = settings with { NetFirst = true };
                continue;
            }

            string[] pair = part.Split('=', 2);
            double value = double.Parse(pair[1], CultureInfo.InvariantCulture);
            settings = pair[0] switch
            {
                "L" => settings with { LeaseSize = (int)value },
                "D" => settings with { LeaseDuration = TimeSpan.FromSeconds(value) },
                "F" => settings with { FlushInterval = TimeSpan.FromSeconds(value) },
                "lat" => settings with { Latency = TimeSpan.FromMilliseconds(value) },
                "cap" => settings with { EarningsWindow = TimeSpan.FromSeconds(value) },
                _ => throw new FormatException($"Unknown fleet-store setting '{pair[0]}' in '{spec}' (L, D, F, lat, cap, net)."),
            };
        }

        return settings;
    }

    public override string ToString() => Spec;
}
