using System.Text;
using System.Text.Json.Nodes;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>One POST endpoint of the host: its route pattern, a path to an existing resource, and a valid body for it.</summary>
public sealed record FuzzTarget(string Route, string Path, JsonObject? Valid);

/// <summary>One generated request.</summary>
public sealed record FuzzCase(string Category, string Route, string Path, byte[]? Body, string? ContentType, bool Chunked,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public override string ToString()
    {
        var text = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body);
        var excerpt = text.Length > 400 ? $"{text[..400]}... ({Body!.Length} bytes)" : text;
        var headers = string.Concat(Headers.Select(h => $" {h.Key}: {h.Value};"));
        return $"[{Category}] POST {Path} content-type={ContentType ?? "(none)"}{(Chunked ? " chunked" : "")};{headers} body: {excerpt}";
    }
}
