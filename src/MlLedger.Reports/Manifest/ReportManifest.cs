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

    /// <summary>The largest PDF <see cref="Read(byte[])"/> accepts: 512 MiB.</summary>
    public const int MaxPdfBytes = 512 * 1024 * 1024;

    /// <summary>The largest manifest <see cref="Read(byte[])"/> inflates: 256 MiB (a report citing 100,000 entries has about 20 MB).</summary>
    public const int MaxManifestBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Reads the manifest embedded in a report PDF. Safe on hostile input: a PDF over <see cref="MaxPdfBytes"/>, a
    /// manifest inflating past <see cref="MaxManifestBytes"/>, a PDF without a manifest and a malformed manifest are
    /// all a <see cref="FormatException"/>, and no other exception is thrown for any bytes.
    /// </summary>
    public static ReportManifest Read(byte[] pdf) => Read(pdf, MaxPdfBytes, MaxManifestBytes);

    internal static ReportManifest Read(byte[] pdf, long maxPdfBytes, int maxManifestBytes)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (pdf.LongLength > maxPdfBytes)
            throw new FormatException($"The file has {pdf.LongLength:N0} bytes; a report PDF read for its manifest may have at most {maxPdfBytes:N0}.");
        return FromJson(ManifestEmbedding.Extract(pdf, maxManifestBytes));
    }

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

    /// <summary>
    /// Parses a manifest strictly (see <see cref="ManifestJson"/>); <see cref="FormatException"/>, and no other
    /// exception, for anything malformed.
    /// </summary>
    public static ReportManifest FromJson(ReadOnlySpan<byte> utf8) => ManifestJson.Parse(utf8);

    /// <summary>Records compare their lists by reference; this compares the citations too.</summary>
    public bool SameAs(ReportManifest other) =>
        this with { Citations = [] } == other with { Citations = [] } && Citations.SequenceEqual(other.Citations);
}
