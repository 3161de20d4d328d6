using System.Diagnostics.Metrics;

namespace ResilientHttp.AspNetCore;

/// <summary>The middleware's one instrument, on a meter named <c>ResilientHttp.AspNetCore</c>.</summary>
internal sealed class SheddingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ResilientHttp.AspNetCore";

    private readonly Counter<long> _shed;

    public SheddingMetrics(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _shed = meter.CreateCounter<long>("resilienthttp.server.requests_shed", "{request}", "Requests answered 503 without running their endpoint because their sender's deadline had passed.");
    }

    public void Shed(ShedReason reason) =>
        _shed.Add(1, new KeyValuePair<string, object?>("resilienthttp.shed.reason", reason == ShedReason.ExpiredOnArrival ? "expired_on_arrival" : "expired_waiting"));
}
