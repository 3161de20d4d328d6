using ResilientHttp.AspireStyle;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// .NET Aspire's service defaults: Microsoft's standard resilience handler on every client.
builder.AddServiceDefaults();

// The one-line swap: this client gets ResilientHttp, and the standard handler the defaults gave it is removed
// (one resilience layer, not two: 4 sends for a failing call, not 4 × 4), logged once as ResilienceHandlerReplaced.
builder.Services.AddHttpClient<CatalogClient>(Upstream.Address)
    .AddResilientHandler();

// Left as the service defaults make it: the standard handler, untouched.
builder.Services.AddHttpClient<InventoryClient>(Upstream.Address);

WebApplication app = builder.Build();

app.MapGet("/catalog/{id}", (string id, CatalogClient catalog, CancellationToken cancellationToken) =>
    Upstream.ForwardAsync(() => catalog.GetItemAsync(id, cancellationToken), cancellationToken));

app.MapGet("/inventory/{id}", (string id, InventoryClient inventory, CancellationToken cancellationToken) =>
    Upstream.ForwardAsync(() => inventory.GetStockAsync(id, cancellationToken), cancellationToken));

app.Run();

/// <summary>The sample service's entry point, visible to its tests.</summary>
public partial class Program;
