namespace ResilientHttp.Tests;

/// <summary>Counts the requests that reach the network (placed as the last handler before the primary one).</summary>
internal sealed class CountingHandler : DelegatingHandler
{
    public CountingHandler(SendCounter counter)
    {
        Counter = counter;
    }

    public SendCounter Counter { get; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Counter.Increment();
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A shared count of network sends and of pipelines built.</summary>
internal sealed class SendCounter
{
    private int _sends;
    private int _pipelines;

    public int Sends => Volatile.Read(ref _sends);

    public int Pipelines => Volatile.Read(ref _pipelines);

    public void Increment() => Interlocked.Increment(ref _sends);

    public void PipelineBuilt() => Interlocked.Increment(ref _pipelines);
}
