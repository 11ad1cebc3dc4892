using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using MlLedger.Api.Storage;

namespace MlLedger.Api.Http;

/// <summary>
/// Every value a request brings is checked against <see cref="StorableValues"/> before an endpoint binds it. A JSON
/// body is read once, whole (it is at most the body limit): whatever field a value sits in, at any depth, a number the
/// ledger could not store within bounds or a string that is not valid Unicode is a 400 naming its path. Query values
/// must be text the ledger can store (no NUL). Nothing is stored for a refused request. Bodies that are not JSON at all
/// are left to the endpoint's binding, which refuses them.
/// </summary>
internal static class RequestValues
{
    public static void UseRequestValueRules(this WebApplication app, int maxDepth) =>
        app.Use(async (http, next) =>
        {
            if (QueryProblems(http.Request.Query) is { Count: > 0 } bad)
            {
                await Problems.Invalid(bad, "query value(s) cannot be read").ExecuteAsync(http);
                return;
            }

            if (!HasBody(http.Request) || !http.Request.HasJsonContentType())
            {
                await next(http);
                return;
            }

            var body = await ReadWhole(http);
            var problems = Check(body.GetBuffer().AsSpan(0, (int)body.Length), maxDepth);
            if (problems is { Count: > 0 })
            {
                await Problems.Invalid(problems, "value(s) cannot be stored").ExecuteAsync(http);
                return;
            }

            http.Request.Body = body;
            await next(http);
        });

    private static Dictionary<string, string[]>? QueryProblems(IQueryCollection query)
    {
        Dictionary<string, string[]>? problems = null;
        foreach (var (name, values) in query)
        {
            var problem = StorableValues.StringProblem(name) ?? values.Select(v => StorableValues.StringProblem(v ?? "")).FirstOrDefault(p => p is not null);
            if (problem is not null && (problems ??= []).Count < StorableValues.MaxProblems)
            {
                problems.TryAdd(StorableValues.Path.Member("", name), [$"The query value {problem}"]);
            }
        }

        return problems;
    }

    /// <summary>The values that break the rules, by path; null when the body is not well-formed JSON (binding says so).</summary>
    internal static Dictionary<string, string[]>? Check(ReadOnlySpan<byte> json, int maxDepth)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var path = new List<(string Path, int Index)>(); // per open container: its path, and the index of the current element of an array
        string? member = null;
        try
        {
            while (reader.Read() && problems.Count < StorableValues.MaxProblems)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        member = Text(ref reader, out var nameProblem);
                        var parent = path[^1].Path;
                        // a name that is not valid Unicode is named as the request escaped it
                        var at = StorableValues.Path.Member(parent, member ?? System.Text.Encoding.UTF8.GetString(reader.ValueSpan));
                        if (nameProblem is not null)
                        {
                            problems.TryAdd(Named(at), [$"The name {nameProblem}"]);
                        }

                        member = at;
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }

                string here = Here(path, member);
                member = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add((here, -1));
                        break;
                    case JsonTokenType.Number when StorableValues.NumberProblem(reader.ValueSpan) is { } numberProblem:
                        problems.TryAdd(Named(here), [$"The number {numberProblem}"]);
                        break;
                    case JsonTokenType.String:
                        Text(ref reader, out var stringProblem);
                        if (stringProblem is not null)
                        {
                            problems.TryAdd(Named(here), [$"The text {stringProblem}"]);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return problems;
    }

    /// <summary>The path of the value about to be read: the member just named, or the next element of the open array.</summary>
    private static string Here(List<(string Path, int Index)> path, string? member)
    {
        if (member is not null)
        {
            return member;
        }

        if (path.Count == 0)
        {
            return ""; // the body itself
        }

        var (parent, index) = path[^1];
        path[^1] = (parent, index + 1);
        return StorableValues.Path.Element(parent, index + 1);
    }

    private static string Named(string path) => path.Length == 0 ? "$" : path;

    private static string? Text(ref Utf8JsonReader reader, out string? problem)
    {
        try
        {
            var text = reader.GetString()!;
            problem = StorableValues.StringProblem(text);
            return text;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses invalid UTF-8 and escapes that leave a lone surrogate ("\ud800")
            problem = "is not valid Unicode text (invalid UTF-8, or a lone surrogate such as \\ud800).";
            return null;
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || request.ContentLength is null && request.Headers.TransferEncoding.Count > 0;

    /// <summary>The body, read to its end within the server's body limit (past it, Kestrel's 413).</summary>
    private static async Task<MemoryStream> ReadWhole(HttpContext http)
    {
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var body = new MemoryStream((int)Math.Min(http.Request.ContentLength ?? 16 * 1024, limit ?? 1024 * 1024));
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        body.Position = 0;
        return body;
    }
}
