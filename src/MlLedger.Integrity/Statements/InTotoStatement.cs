using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace MlLedger.Integrity.Statements;

/// <summary>
/// in-toto Statement v1 as compact UTF-8 JSON, keys in this order:
/// <c>{"_type":...,"subject":[{"name":...,"digest":{"sha256":...}}],"predicateType":...,"predicate":{...}}</c>.
/// </summary>
public static class InTotoStatement
{
    public const string PayloadType = "application/vnd.in-toto+json";
    public const string Type = "https://in-toto.io/Statement/v1";

    /// <exception cref="ArgumentException">No subjects, a subject digest that is not 64 lowercase hex, or an empty predicate type.</exception>
    public static byte[] Serialize(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(statement.Subjects, nameof(statement));
        ArgumentException.ThrowIfNullOrEmpty(statement.PredicateType, nameof(statement));
        ArgumentNullException.ThrowIfNull(statement.Predicate, nameof(statement));
        if (statement.Subjects.Count == 0)
        {
            throw new ArgumentException("A statement needs at least one subject.", nameof(statement));
        }

        foreach (var subject in statement.Subjects)
        {
            if (subject?.Name is null || !Sha256Hex.IsValid(subject.Sha256))
            {
                throw new ArgumentException(
                    $"Subject '{subject?.Name}' must have a name and a sha256 of 64 lowercase hex characters, got '{subject?.Sha256}'.",
                    nameof(statement));
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LedgerJson.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("_type", Type);
            writer.WriteStartArray("subject");
            foreach (var subject in statement.Subjects)
            {
                writer.WriteStartObject();
                writer.WriteString("name", subject.Name);
                writer.WriteStartObject("digest");
                writer.WriteString("sha256", subject.Sha256);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("predicateType", statement.PredicateType);
            writer.WritePropertyName("predicate");
            statement.Predicate.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a statement. Property order does not matter; duplicate properties are refused. Every subject
    /// needs a sha256 digest; other digest algorithms are ignored.
    /// </summary>
    /// <exception cref="StatementFormatException">Not valid JSON, wrong <c>_type</c>, no subject, bad digest, and so on.</exception>
    public static Statement Parse(ReadOnlySpan<byte> payload)
    {
        JsonObject root = ParseObject(payload);

        string type = RequiredString(root, "_type", "statement");
        if (!string.Equals(type, Type, StringComparison.Ordinal))
        {
            throw new StatementFormatException($"Statement _type is '{type}', expected '{Type}'.");
        }

        if (root["subject"] is not JsonArray subjectArray)
        {
            throw new StatementFormatException("Statement has no \"subject\" array.");
        }

        if (subjectArray.Count == 0)
        {
            throw new StatementFormatException("Statement \"subject\" array is empty.");
        }

        var subjects = new List<StatementSubject>(subjectArray.Count);
        for (int i = 0; i < subjectArray.Count; i++)
        {
            string where = $"subject[{i}]";
            if (subjectArray[i] is not JsonObject subject)
            {
                throw new StatementFormatException($"Statement {where} must be a JSON object.");
            }

            string name = RequiredString(subject, "name", where);
            if (subject["digest"] is not JsonObject digest)
            {
                throw new StatementFormatException($"Statement {where} has no \"digest\" object.");
            }

            string sha256 = RequiredString(digest, "sha256", $"{where}.digest");
            if (!Sha256Hex.IsValid(sha256))
            {
                throw new StatementFormatException($"Statement {where}.digest.sha256 must be 64 lowercase hex characters, got '{sha256}'.");
            }

            subjects.Add(new StatementSubject(name, sha256));
        }

        string predicateType = RequiredString(root, "predicateType", "statement");
        if (predicateType.Length == 0)
        {
            throw new StatementFormatException("Statement predicateType is empty.");
        }

        if (root["predicate"] is not JsonObject predicate)
        {
            throw new StatementFormatException("Statement has no \"predicate\" object.");
        }

        root.Remove("predicate"); // detached from the parsed document without a copy
        return new Statement(subjects, predicateType, predicate);
    }

    private static JsonObject ParseObject(ReadOnlySpan<byte> payload)
    {
        // The JSON reader only transcodes string contents when they are read, so invalid UTF-8 inside a
        // string would surface later as an InvalidOperationException. Refuse it up front.
        if (!Utf8.IsValid(payload))
        {
            throw new StatementFormatException("Statement is not valid UTF-8.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(payload, nodeOptions: null, LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            throw new StatementFormatException($"Statement is not valid JSON: {e.Message}", e);
        }

        return root as JsonObject
            ?? throw new StatementFormatException($"Statement must be a JSON object, not {root?.GetValueKind().ToString() ?? "null"}.");
    }

    private static string RequiredString(JsonObject parent, string name, string where)
    {
        if (!parent.TryGetPropertyValue(name, out var node) || node is null)
        {
            throw new StatementFormatException($"Statement {where} has no \"{name}\" string.");
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw new StatementFormatException($"Statement {where}.{name} must be a string, not {node.GetValueKind()}.");
        }

        return node.GetValue<string>();
    }
}
