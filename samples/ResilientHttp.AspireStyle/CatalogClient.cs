namespace ResilientHttp.AspireStyle;

/// <summary>A typed client to the upstream catalog, swapped to ResilientHttp. Its client name is "CatalogClient".</summary>
public sealed class CatalogClient(HttpClient http)
{
    /// <summary>Gets an item of the catalog as the upstream sends it.</summary>
    public Task<HttpResponseMessage> GetItemAsync(string id, CancellationToken cancellationToken) =>
        http.GetAsync($"catalog/{Uri.EscapeDataString(id)}", cancellationToken);
}
