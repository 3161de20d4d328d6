namespace ResilientHttp.AspireStyle;

/// <summary>A typed client to the upstream inventory, left on the standard handler of the service defaults.</summary>
public sealed class InventoryClient(HttpClient http)
{
    /// <summary>Gets the stock of an item as the upstream sends it.</summary>
    public Task<HttpResponseMessage> GetStockAsync(string id, CancellationToken cancellationToken) =>
        http.GetAsync($"inventory/{Uri.EscapeDataString(id)}", cancellationToken);
}
