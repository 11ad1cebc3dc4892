namespace MlLedger.Api.Console;

/// <summary>
/// Headers on every console answer (everything outside the API, the OpenAPI document and the dev API reference): a
/// Content-Security-Policy that allows no script at all (the console has none) and no framing, no caching of pages that
/// show the record, no MIME sniffing, and referrers only to the ledger itself.
/// </summary>
internal static class ConsoleHeaders
{
    public static IApplicationBuilder UseConsoleHeaders(this IApplicationBuilder app, string? authority) =>
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            if (!path.StartsWithSegments("/v1") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/scalar"))
            {
                var headers = http.Response.Headers;
                // a form may post to the ledger, and signing in or out redirects to the identity provider after a post
                var formAction = authority is null ? "'self'" : $"'self' {Origin(authority)}";
                headers.ContentSecurityPolicy =
                    $"default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action {formAction}; " +
                    "frame-ancestors 'none'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                if (!path.StartsWithSegments(ConsoleAssets.StylesheetPath))
                {
                    // as antiforgery writes it on every page with a form, so it has nothing to replace (and nothing to log)
                    headers.CacheControl = "no-cache, no-store";
                    headers.Pragma = "no-cache";
                }
            }

            return next(http);
        });

    private static string Origin(string authority) => new Uri(authority).GetLeftPart(UriPartial.Authority);
}
