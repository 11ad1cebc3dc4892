using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace MlLedger.Api.Tests.Contract;

/// <summary>
/// The ledger's OpenAPI document as a contract to hold answers to: which operation a request reached (by its path
/// template), whether the answer's status is one the operation declares, and whether a JSON body fits the declared schema.
/// Schemas are checked strictly: an object may carry only the properties its schema names, so a body with a field the
/// document does not declare fails as surely as one that lacks a required field.
/// </summary>
public sealed class ContractDocument
{
    private static readonly Uri Base = new("https://contract.mlledger.test/openapi.json");
    private readonly JsonObject _document;
    private readonly List<(Regex Pattern, string Template)> _paths;
    private readonly BuildOptions _build;

    public ContractDocument(string json)
    {
        _document = JsonNode.Parse(json)!.AsObject();
        var strict = JsonNode.Parse(json)!;
        Close(strict["components"]?["schemas"]);
        var registry = new SchemaRegistry();
        registry.Register(Base, new JsonElementBaseDocument(JsonSerializer.SerializeToElement(strict), Base));
        _build = new BuildOptions { SchemaRegistry = registry };
        _paths = [.. _document["paths"]!.AsObject().Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^}]+}", "[^/]+") + "$"), p.Key))
            .OrderBy(p => p.Key.Count(c => c == '{'))];
    }

    public JsonObject Document => _document;

    /// <summary>The operation's path template, or null when the document has no operation for the method and path.</summary>
    public string? Template(string method, string path) =>
        _paths.Where(p => p.Pattern.IsMatch(path)).Select(p => p.Template)
            .FirstOrDefault(t => _document["paths"]![t]![method.ToLowerInvariant()] is not null);

    /// <summary>What is wrong with the answer, or null when the document declares it as it is.</summary>
    public string? Problem(RecordedAnswer answer)
    {
        var template = Template(answer.Method, answer.Path);
        if (template is null)
        {
            return $"{answer.Method} {answer.Path}: no operation in the document";
        }

        var response = _document["paths"]![template]![answer.Method.ToLowerInvariant()]!["responses"]?[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (response is null)
        {
            return $"{answer.Method} {template}: answered {answer.Status}, which the document does not declare";
        }

        if (answer.Body is null || answer.MediaType is null)
        {
            return null;
        }

        var content = response["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            return $"{answer.Method} {template} {answer.Status}: answered {answer.MediaType}, for which the document declares no content";
        }

        var declared = content[answer.MediaType] ?? content.FirstOrDefault(c => c.Key.EndsWith("json", StringComparison.Ordinal)).Value;
        if (declared is null)
        {
            return $"{answer.Method} {template} {answer.Status}: answered {answer.MediaType}, not declared ({string.Join(", ", content.Select(c => c.Key))})";
        }

        if (declared["schema"] is not { } schema)
        {
            return null; // a format specified elsewhere (a Sigstore bundle or trusted root), declared by its media type
        }

        var results = Evaluate(schema, JsonDocument.Parse(answer.Body).RootElement);
        return results.IsValid ? null : $"{answer.Method} {template} {answer.Status}: the body does not fit its schema: {Errors(results)}\n{Clip(answer.Body)}";
    }

    private EvaluationResults Evaluate(JsonNode schema, JsonElement body)
    {
        var text = schema["$ref"] is JsonValue reference
            ? new JsonObject { ["$ref"] = Base.AbsoluteUri + reference.GetValue<string>() }.ToJsonString()
            : schema.ToJsonString().Replace("\"#/components", $"\"{Base.AbsoluteUri}#/components", StringComparison.Ordinal);
        var compiled = JsonSchema.FromText(text, _build, new Uri($"https://contract.mlledger.test/answer/{Guid.NewGuid():N}"));
        return compiled.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(12));

    private static string Clip(string body) => body.Length > 400 ? body[..400] + "…" : body;

    /// <summary>Every object schema that names its properties allows no others.</summary>
    private static void Close(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["properties"] is JsonObject && !o.ContainsKey("additionalProperties"))
                {
                    o["additionalProperties"] = false;
                }

                foreach (var child in o.Select(p => p.Value).ToList())
                {
                    Close(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Close(child);
                }

                break;
        }
    }
}
