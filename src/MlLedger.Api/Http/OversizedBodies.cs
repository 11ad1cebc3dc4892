using Microsoft.AspNetCore.Http.Features;

namespace MlLedger.Api.Http;

/// <summary>
/// A refusal of a request whose body may not have been read to its end, and may be larger than the body limit
/// (sent chunked, or with a Content-Length over the limit), closes its connection and says so (<c>Connection:
/// close</c>). Kestrel would otherwise try to read the rest after the answer, give up at the limit and drop the
/// connection, and a client that kept it for its next request would lose that request without an answer.
/// </summary>
internal static class OversizedBodies
{
    public static void UseClosingAfterUnreadBodies(this WebApplication app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode >= StatusCodes.Status400BadRequest && MayExceedLimit(http))
                {
                    http.Response.Headers.Connection = "close";
                }

                return Task.CompletedTask;
            });
            return next(http);
        });

    private static bool MayExceedLimit(HttpContext http)
    {
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return http.Request.ContentLength is { } length
            ? limit is { } max && length > max
            : http.Request.Headers.TransferEncoding.Count > 0;
    }
}
