using System.Net.Http.Json;

namespace Catalog;

/// <summary>The user's code under test: a typed client of a catalog service.</summary>
public sealed class CatalogClient(HttpClient http)
{
    /// <summary>Gets an item, or null when the catalog has no such item.</summary>
    public async Task<Item?> GetItemAsync(int id, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await http.GetAsync($"items/{id}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<Item>(cancellationToken);
    }
}

/// <summary>A catalog item.</summary>
public sealed record Item(int Id, string Name);
