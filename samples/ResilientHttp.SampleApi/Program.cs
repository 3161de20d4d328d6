using ResilientHttp;
using ResilientHttp.SampleApi;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// One line adds retries, the per-host circuit breaker and the retry budget; appsettings.json tunes them.
builder.Services.AddHttpClient<UpstreamClient>((services, client) =>
        client.BaseAddress = new Uri(services.GetRequiredService<IConfiguration>()["Upstream:BaseUrl"]
            ?? throw new InvalidOperationException("Upstream:BaseUrl is not configured.")))
    .AddResilientHandler();

// Degraded while the upstream's circuit is open, with the open circuits listed.
builder.Services.AddHealthChecks().AddResilientHttpHealthCheck();

WebApplication app = builder.Build();

app.MapHealthChecks("/health");

app.MapGet("/weather/{city}", async (string city, UpstreamClient upstream, CancellationToken cancellationToken) =>
{
    try
    {
        using HttpResponseMessage response = await upstream.GetForecastAsync(city, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        return Results.Content(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
    }
    catch (CircuitOpenException ex)
    {
        // The upstream is known to be down: answer at once and say when it will be tried again.
        return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = Math.Ceiling(ex.RetryAfter.TotalSeconds) });
    }
    catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
    {
        return Results.Problem("The upstream did not answer in time.", statusCode: StatusCodes.Status504GatewayTimeout);
    }
    catch (HttpRequestException ex)
    {
        return Results.Problem($"The upstream could not be reached: {ex.HttpRequestError}.", statusCode: StatusCodes.Status502BadGateway);
    }
});

app.Run();

/// <summary>The sample service's entry point, visible to its tests.</summary>
public partial class Program;
