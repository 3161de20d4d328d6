namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The HTTP part of the <c>ServiceDefaults</c> project that .NET Aspire's templates add to every service:
/// Microsoft's standard resilience handler on every <c>IHttpClientFactory</c> client.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>Puts the standard resilience handler on every client of the service, as Aspire's template does.</summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The service's host builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        return builder;
    }
}
