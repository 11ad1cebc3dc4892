using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlLedger.Policies.Testing;

/// <summary>
/// YAML to JSON with YAML 1.2 core-schema scalars: a plain <c>true</c>, <c>false</c>, <c>null</c>/<c>~</c> or number
/// is that value; anything quoted, and any other plain text, is a string.
/// </summary>
internal static class YamlJson
{
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new ArgumentException($"unsupported YAML node {node.NodeType}", nameof(node)),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>Objects merge key by key; anything else in <paramref name="patch"/> replaces what was there.</summary>
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is null)
        {
            return target?.DeepClone();
        }

        if (target is not JsonObject baseObject || patch is not JsonObject patchObject)
        {
            return patch.DeepClone();
        }

        var merged = (JsonObject)baseObject.DeepClone();
        foreach (var (key, value) in patchObject)
        {
            merged[key] = value is null ? null : Merge(merged[key], value); // an explicit null replaces
        }

        return merged;
    }
}
