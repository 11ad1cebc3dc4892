using System.Numerics;
using System.Text.Json;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// The header line of an audit bundle, parsed strictly: every field required, no unknown or repeated property,
/// canonical base64, 32-byte hashes.
/// </summary>
internal static class AuditHeaderParser
{
    public static AuditBundleHeader ParseHeader(ReadOnlySpan<byte> line, long lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray(), LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            throw new AuditBundleFormatException(lineNumber, $"the header is not valid JSON: {e.Message}", innerException: e);
        }

        using (document)
        {
            try
            {
                return Header(document.RootElement);
            }
            catch (FormatException e) when (e is not AuditBundleFormatException)
            {
                throw new AuditBundleFormatException(lineNumber, $"the header {e.Message}", innerException: e);
            }
        }
    }

    private static AuditBundleHeader Header(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"must be a JSON object, not {root.ValueKind}.");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("mediaType" or "origin" or "from" or "treeSize" or "prefix" or "checkpoint" or "since"))
            {
                throw new FormatException($"has an unknown property \"{property.Name}\".");
            }
        }

        string mediaType = String(root, "mediaType");
        if (!string.Equals(mediaType, AuditBundleHeader.MediaType, StringComparison.Ordinal))
        {
            throw new FormatException($"mediaType is \"{mediaType}\", expected \"{AuditBundleHeader.MediaType}\".");
        }

        string origin = String(root, "origin");
        long from = Integer(root, "from");
        long treeSize = Integer(root, "treeSize");
        if (from < 0 || from > treeSize)
        {
            throw new FormatException($"range is from {from} to tree size {treeSize}; it needs 0 <= from <= treeSize.");
        }

        var prefix = Hashes(root, "prefix");
        int expected = BitOperations.PopCount((ulong)from);
        if (prefix.Count != expected)
        {
            throw new FormatException($"prefix has {prefix.Count} hashes; a tree of {from} leaves has {expected} compact-range hashes.");
        }

        string checkpoint = String(root, "checkpoint");
        if (!root.TryGetProperty("since", out var since))
        {
            throw new FormatException("has no \"since\" property (null when there is no earlier checkpoint).");
        }

        AuditSince? earlier = null;
        if (since.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in since.EnumerateObject())
            {
                if (property.Name is not ("checkpoint" or "consistency"))
                {
                    throw new FormatException($"since has an unknown property \"{property.Name}\".");
                }
            }

            earlier = new AuditSince(String(since, "checkpoint"), Hashes(since, "consistency"));
        }
        else if (since.ValueKind != JsonValueKind.Null)
        {
            throw new FormatException($"since must be an object or null, not {since.ValueKind}.");
        }

        return new AuditBundleHeader(origin, from, treeSize, prefix, checkpoint, earlier);
    }

    private static string String(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"has no \"{name}\" string.");
        }

        string text = value.GetString()!;
        return text.Length > 0 ? text : throw new FormatException($"\"{name}\" is empty.");
    }

    private static long Integer(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            throw new FormatException($"has no integer \"{name}\".");
        }

        return number;
    }

    private static List<byte[]> Hashes(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"has no \"{name}\" array.");
        }

        var hashes = new List<byte[]>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String
                || !CanonicalBase64.TryDecode(item.GetString()!, out byte[] hash) || hash.Length != MerkleHash.Size)
            {
                throw new FormatException($"{name}[{hashes.Count}] is not a base64 hash of {MerkleHash.Size} bytes.");
            }

            hashes.Add(hash);
        }

        return hashes;
    }
}
