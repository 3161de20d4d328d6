namespace ResilientHttp.Benchmarks;

/// <summary>Bytes allocated per successful call by each pipeline, measured on one thread (the stub completes at once).</summary>
internal static class AllocationProbe
{
    public static void Report(TextWriter output)
    {
        var clients = new (string Name, HttpClient Client)[]
        {
            ("bare", Clients.Bare()),
            ("no-op handler", Clients.NoOp()),
            ("ResilientHttp defaults", Clients.ResilientDefaults()),
            ("AddStandardResilienceHandler", Clients.Standard()),
            ("Polly.Core pipeline", Clients.PollyCore()),
            ("ResilientHttp, no attempt timeout", Clients.ResilientWith(o => o.AttemptTimeout = null)),
            ("ResilientHttp, no timeout, no breaker", Clients.ResilientWith(o => (o.AttemptTimeout, o.CircuitBreaker.Enabled) = (null, false))),
            ("ResilientHttp, no timeout, no breaker, no retry", Clients.ResilientWith(o => (o.AttemptTimeout, o.CircuitBreaker.Enabled, o.Retry.Enabled) = (null, false, false))),
        };
        foreach ((string name, HttpClient client) in clients)
        {
            for (int i = 0; i < 1000; i++)
            {
                client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult().Dispose();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult().Dispose();
            }

            output.WriteLine($"{name,-50} {(GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0,8:0} B/call");
        }
    }
}
