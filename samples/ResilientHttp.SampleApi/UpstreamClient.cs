namespace ResilientHttp.SampleApi;

/// <summary>A typed client to the upstream weather service. Its client name, and so its configuration entry, is "UpstreamClient".</summary>
public sealed class UpstreamClient(HttpClient http)
{
    /// <summary>Gets the forecast of a city as the upstream sends it.</summary>
    public Task<HttpResponseMessage> GetForecastAsync(string city, CancellationToken cancellationToken) =>
        http.GetAsync($"forecast/{Uri.EscapeDataString(city)}", cancellationToken);
}
