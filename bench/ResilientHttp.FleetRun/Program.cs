using ResilientHttp.FleetRun;

// A real fleet against a real server, to check the simulator (docs/fleet-run.md):
// dotnet run -c Release --project bench/ResilientHttp.FleetRun -- --processes 4 --clients 250 --capacity 200 --load 0.5 --outage 30 --shared true
// [--mode blackhole|failfast|brownout] [--flush 1] [--lease-size 1] [--lease-duration 5] [--store-timeout 0.25] [--out results.jsonl]
// The coordinator (this, by default) starts redis-server, the Kestrel server and P workers (--worker, the same build).
RunSettings settings;
try
{
    settings = RunSettings.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

return args.Contains("--worker")
    ? await Worker.RunAsync(settings, args).ConfigureAwait(false)
    : await Coordinator.RunAsync(settings).ConfigureAwait(false);
