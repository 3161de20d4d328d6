using Polly;

namespace ResilientHttp.AspireStyle;

/// <summary>Where both clients call, and how the service answers for an upstream that failed.</summary>
internal static class Upstream
{
    /// <summary>Points a client at <c>Upstream:BaseUrl</c>.</summary>
    public static void Address(IServiceProvider services, HttpClient client) =>
        client.BaseAddress = new Uri(services.GetRequiredService<IConfiguration>()["Upstream:BaseUrl"]
            ?? throw new InvalidOperationException("Upstream:BaseUrl is not configured."));

    /// <summary>Passes the upstream's answer through, or says why there was none.</summary>
    public static async Task<IResult> ForwardAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await send();
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            return Results.Content(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
        }
        catch (CircuitOpenException ex)
        {
            // ResilientHttp's breaker: the upstream is known to be down.
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (ExecutionRejectedException ex)
        {
            // The standard handler's breaker, rate limiter or timeout refused the call.
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (HttpRequestException ex)
        {
            return Results.Problem($"The upstream could not be reached: {ex.HttpRequestError}.", statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
