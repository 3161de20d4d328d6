namespace ResilientHttp.Benchmarks;

/// <summary>Measures the memory a client retains per tracked host: the table filled with 10,000 hosts.</summary>
internal static class HostMemory
{
    public static void Report(TextWriter output)
    {
        const int hosts = 10_000;
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = hosts } };
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var table = new HostTable(TimeProvider.System);
        for (int i = 0; i < hosts; i++)
        {
            table.Get(new Uri($"http://host{i}.example.com:8080/path"), options);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(table);
        output.WriteLine($"{table.Count} hosts tracked; {(after - before) / (double)table.Count:0} bytes retained per host (authority 'http://hostNNNN.example.com:8080').");
    }
}
