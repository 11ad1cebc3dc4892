using System.Globalization;
using System.Text.Json;
using MlLedger.Reports.Model;

namespace MlLedger.Reports.Manifest;

/// <summary>
/// What a report PDF carries for offline verification, embedded as the file <see cref="FileName"/>: the report's
/// kind and subject, the checkpoint it is as of (with the signed note verbatim) and every entry it cites.
/// </summary>
public sealed record ReportManifest(
    string Kind, string Subject, string Origin, long TreeSize, string RootHash, string SignedNote, DateTimeOffset LedgerTime,
    IReadOnlyList<Citation> Citations)
{
    /// <summary>The value of the manifest's "format" member; a reader refuses any other.</summary>
    public const string Format = "mlledger.report-manifest.v1";

    /// <summary>The name of the embedded file in the PDF's EmbeddedFiles name tree.</summary>
    public const string FileName = "mlledger-manifest.json";

    public static ReportManifest Of(ReportFrame frame) => new(
        frame.Kind, frame.Subject, frame.Checkpoint.Origin, frame.Checkpoint.TreeSize, frame.Checkpoint.RootHash,
        frame.Checkpoint.SignedNote, frame.Checkpoint.LedgerTime, frame.Citations);

    /// <summary>Reads the manifest embedded in a report PDF; <see cref="FormatException"/> when there is none or it is malformed.</summary>
    public static ReportManifest Read(byte[] pdf) => FromJson(ManifestEmbedding.Extract(pdf));

    /// <summary>The manifest as compact UTF-8 JSON, members in a fixed order.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("kind", Kind);
            json.WriteString("subject", Subject);
            json.WriteStartObject("checkpoint");
            json.WriteString("origin", Origin);
            json.WriteNumber("treeSize", TreeSize);
            json.WriteString("rootHash", RootHash);
            json.WriteString("signedNote", SignedNote);
            json.WriteString("ledgerTime", LedgerTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteStartArray("citations");
            foreach (var c in Citations)
            {
                json.WriteStartObject();
                json.WriteNumber("seq", c.Seq);
                json.WriteNumber("leafIndex", c.LeafIndex);
                json.WriteString("leafHash", c.LeafHash);
                json.WriteString("stream", c.Stream);
                json.WriteString("eventType", c.EventType);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static ReportManifest FromJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray());
            var root = doc.RootElement;
            var format = root.GetProperty("format").GetString();
            if (format != Format) throw new FormatException($"The report manifest has format '{format}', expected '{Format}'.");
            var cp = root.GetProperty("checkpoint");
            var citations = new List<Citation>();
            foreach (var c in root.GetProperty("citations").EnumerateArray())
                citations.Add(new Citation(c.GetProperty("seq").GetInt64(), c.GetProperty("leafIndex").GetInt64(),
                    Str(c, "leafHash"), Str(c, "stream"), Str(c, "eventType")));
            return new ReportManifest(Str(root, "kind"), Str(root, "subject"), Str(cp, "origin"), cp.GetProperty("treeSize").GetInt64(),
                Str(cp, "rootHash"), Str(cp, "signedNote"), cp.GetProperty("ledgerTime").GetDateTimeOffset(), citations);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The report manifest is not valid JSON of the expected shape.", e);
        }
    }

    static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"The report manifest's '{name}' is null.");

    /// <summary>Records compare their lists by reference; this compares the citations too.</summary>
    public bool SameAs(ReportManifest other) =>
        this with { Citations = [] } == other with { Citations = [] } && Citations.SequenceEqual(other.Citations);
}
