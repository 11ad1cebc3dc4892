using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>
/// The host's mapped endpoints, split in two: the API (<c>/v1/...</c>, the health checks and the OpenAPI document), which
/// answers bearer tokens, and the console (every other route: pages, sign-in, the stylesheet), which answers a session.
/// </summary>
public static class ApiEndpoints
{
    public static IReadOnlyList<RouteEndpoint> Api(IServiceProvider services) =>
        [.. All(services).Where(e => IsApi(e.RoutePattern.RawText))];

    public static IReadOnlyList<RouteEndpoint> Console(IServiceProvider services) =>
        [.. All(services).Where(e => !IsApi(e.RoutePattern.RawText))];

    private static IEnumerable<RouteEndpoint> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    private static bool IsApi(string? route)
    {
        var path = "/" + (route ?? "").TrimStart('/');
        return path.StartsWith("/v1/", StringComparison.Ordinal) || path is "/v1" or "/healthz" or "/readyz" ||
               path.StartsWith("/openapi/", StringComparison.Ordinal);
    }
}
