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
    /// <exception cref="YamlException">A key is not a text value, or an alias refers to a value that contains it.</exception>
    public static JsonNode? ToJson(YamlNode node) => ToJson(node, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));

    private static JsonNode? ToJson(YamlNode node, HashSet<YamlNode> open)
    {
        // an alias may name a value that contains it; written out, such a value would never end
        if (!open.Add(node))
        {
            throw new YamlException(node.Start, node.End, "an alias refers to a value that contains it.");
        }

        try
        {
            return node switch
            {
                YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv => KeyValuePair.Create(Key(kv.Key), ToJson(kv.Value, open)))),
                YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(item => ToJson(item, open))]),
                YamlScalarNode scalar => Scalar(scalar),
                _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}."),
            };
        }
        finally
        {
            open.Remove(node);
        }
    }

    private static string Key(YamlNode key) =>
        key is YamlScalarNode { Value: { } name } ? name : throw new YamlException(key.Start, key.End, "a key must be a text value.");

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
