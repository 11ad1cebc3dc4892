using Microsoft.AspNetCore.Http.HttpResults;

namespace MlLedger.Api.Http;

/// <summary>RFC 9457 problem details with a machine-readable <c>code</c> extension.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(statusCode: status, title: TitleOf(status), detail: detail,
            type: $"https://mlledger.dev/problems/{code}", extensions: all);
    }

    /// <summary>400 <c>validation-failed</c> with an <c>errors</c> entry per bad field (its path) and a detail naming them.</summary>
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string what = "field(s) failed validation") =>
        TypedResults.ValidationProblem(errors, title: "The request is invalid", detail: $"{errors.Count} {what}: {string.Join(", ", errors.Keys)}",
            type: "https://mlledger.dev/problems/validation-failed", extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });

    public static ProblemHttpResult NotFound(string what) =>
        Of(StatusCodes.Status404NotFound, "not-found", $"{what} was not found.");

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is invalid",
        404 => "Not found",
        409 => "Refused by the ledger's rules",
        412 => "Precondition failed",
        422 => "Unprocessable request",
        429 => "Too many requests",
        _ => "Request failed",
    };
}

/// <summary>Sets an ETag (the stream version) on the wrapped result.</summary>
internal sealed class WithETag(IResult inner, string etag) : IResult
{
    /// <summary>The answer under the ETag (the console reads a write's receipt from it).</summary>
    public IResult Inner => inner;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.ETag = etag;
        return inner.ExecuteAsync(httpContext);
    }
}

/// <summary>Stream versions travel as strong ETags: <c>"3"</c>.</summary>
internal static class ETags
{
    public static string Of(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}

/// <summary>Every problem carries a <c>code</c>, including those the framework writes (401, 403, 404, 405, 413).</summary>
internal static class ProblemCodes
{
    public static void AddDefaultCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        problem.Extensions["code"] = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "malformed-request",
            StatusCodes.Status401Unauthorized => "unauthenticated",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status404NotFound => "not-found",
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => "body-too-large",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            _ => "error",
        };
        if (problem.Status == StatusCodes.Status413PayloadTooLarge)
        {
            problem.Detail ??= "The request body exceeds the limit of this endpoint.";
        }
    }
}
