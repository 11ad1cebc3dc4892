using System.Reflection;
using System.Security.Cryptography;

namespace MlLedger.Api.Console;

/// <summary>The console's one stylesheet, embedded in the assembly and served by the ledger (no asset pipeline, no CDN).</summary>
internal static class ConsoleAssets
{
    public const string StylesheetPath = "/console.css";

    private static readonly Lazy<(byte[] Bytes, string ETag)> Css = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MlLedger.Api.Console.console.css")
            ?? throw new InvalidOperationException("the console stylesheet is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    });

    public static IResult Stylesheet(HttpContext http)
    {
        var (bytes, etag) = Css.Value;
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return http.Request.Headers.IfNoneMatch == etag
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(bytes, "text/css; charset=utf-8");
    }
}
