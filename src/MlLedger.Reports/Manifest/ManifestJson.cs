using System.Text.Json;
using MlLedger.Reports.Model;

namespace MlLedger.Reports.Manifest;

/// <summary>
/// Reads a manifest strictly: it comes with PDFs auditors receive from anyone. Every member must be present with
/// the right JSON type (no duplicates); counts are non-negative integers; hashes are 64 lowercase hex digits; no two
/// citations share a sequence number or a leaf index, and every leaf index lies inside the checkpoint's tree.
/// Anything else is a <see cref="FormatException"/>, and nothing else is thrown for any input.
/// </summary>
internal static class ManifestJson
{
    static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    public static ReportManifest Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray(), Options);
            return Read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // JsonException: not JSON (or a duplicate member); the others: strings that are not valid UTF-8.
            throw new FormatException("The report manifest is not valid JSON of the expected shape.", e);
        }
    }

    static ReportManifest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Bad("the manifest is not a JSON object");
        var format = Text(root, "format", "");
        if (format != ReportManifest.Format)
            throw new FormatException($"The report manifest has format '{format}', expected '{ReportManifest.Format}'.");
        var cp = Member(root, "checkpoint", "", JsonValueKind.Object);
        var treeSize = Count(cp, "treeSize", "checkpoint.");
        var rootHash = Hash(cp, "rootHash", "checkpoint.");
        var ledgerTime = Member(cp, "ledgerTime", "checkpoint.", JsonValueKind.String).TryGetDateTimeOffset(out var t)
            ? t : throw Bad("checkpoint.ledgerTime is not an ISO 8601 time");

        var citations = new List<Citation>();
        var seqs = new HashSet<long>();
        var leaves = new HashSet<long>();
        foreach (var c in Member(root, "citations", "", JsonValueKind.Array).EnumerateArray())
        {
            var path = $"citations[{citations.Count}].";
            if (c.ValueKind != JsonValueKind.Object) throw Bad($"{path[..^1]} is not an object");
            var seq = Count(c, "seq", path);
            var leafIndex = Count(c, "leafIndex", path);
            if (leafIndex >= treeSize) throw Bad($"{path}leafIndex {leafIndex} is outside the checkpoint's tree of size {treeSize}");
            if (!seqs.Add(seq)) throw Bad($"{path}seq {seq} is cited twice");
            if (!leaves.Add(leafIndex)) throw Bad($"{path}leafIndex {leafIndex} is cited twice");
            citations.Add(new Citation(seq, leafIndex, Hash(c, "leafHash", path), Text(c, "stream", path), Text(c, "eventType", path)));
        }
        return new ReportManifest(Text(root, "kind", ""), Text(root, "subject", ""), Text(cp, "origin", "checkpoint."), treeSize,
            rootHash, Text(cp, "signedNote", "checkpoint."), ledgerTime, citations);
    }

    static FormatException Bad(string what) => new($"The report manifest is malformed: {what}.");

    static JsonElement Member(JsonElement obj, string name, string path, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var value)) throw Bad($"{path}{name} is missing");
        if (value.ValueKind != kind) throw Bad($"{path}{name} is {Describe(value.ValueKind)}, expected {Describe(kind)}");
        return value;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    static string Text(JsonElement obj, string name, string path) => Member(obj, name, path, JsonValueKind.String).GetString()!;

    static long Count(JsonElement obj, string name, string path) =>
        Member(obj, name, path, JsonValueKind.Number).TryGetInt64(out var n) && n >= 0
            ? n : throw Bad($"{path}{name} is not a non-negative integer");

    static string Hash(JsonElement obj, string name, string path)
    {
        var hex = Text(obj, name, path);
        return hex.Length == 64 && hex.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f')
            ? hex : throw Bad($"{path}{name} is not 64 lowercase hex digits");
    }
}
