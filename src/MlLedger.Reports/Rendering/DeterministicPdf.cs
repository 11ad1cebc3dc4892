using System.Security.Cryptography;
using System.Text;
using PdfSharp.Pdf;

namespace MlLedger.Reports.Rendering;

/// <summary>
/// Saves a document so the same report gives the same bytes. PDFsharp 6.2.4 puts randomness and the clock in four
/// places, each fixed here:
/// <list type="bullet">
/// <item>font subset tags (<c>ABCDEF+DejaVuSans</c>) come from a new GUID: renamed before saving to a tag derived
/// from the content hash and the font name;</item>
/// <item>the trailer /ID is a new GUID: set to the first 16 bytes of the content hash;</item>
/// <item>Info /CreationDate and /ModDate are the wall clock: set to the checkpoint's ledger time, in UTC;</item>
/// <item>the XMP packet written while saving carries GUIDs as DocumentID and InstanceID: the saved bytes are patched
/// in place with same-length UUIDs derived from the content hash (the packet is not compressed, so offsets in the
/// cross-reference table stay valid).</item>
/// </list>
/// The content hash covers the digests of the font files (<see cref="ContentHash"/>): the embedded subsets are
/// those files' bytes, so a report is reproduced byte for byte only with the same font files.
/// </summary>
internal static class DeterministicPdf
{
    public static byte[] Save(PdfDocument document, DateTimeOffset ledgerTime, byte[] contentHash)
    {
        var utc = DateTime.SpecifyKind(ledgerTime.UtcDateTime, DateTimeKind.Utc);
        document.Info.CreationDate = utc;
        document.Info.ModificationDate = utc;
        var id = Encoding.Latin1.GetString(contentHash, 0, 16);
        document.Internals.FirstDocumentID = id;
        document.Internals.SecondDocumentID = id;
        RenameSubsets(document, contentHash);

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        var bytes = output.ToArray();
        PatchXmpId(bytes, "<xmpMM:DocumentID>uuid:", Uuid(contentHash, "document"));
        PatchXmpId(bytes, "<xmpMM:InstanceID>uuid:", Uuid(contentHash, "instance"));
        return bytes;
    }

    static void RenameSubsets(PdfDocument document, byte[] contentHash)
    {
        foreach (var obj in document.Internals.GetAllObjects())
        {
            if (obj is not PdfDictionary dict) continue;
            var key = dict.Elements.GetName("/Type") switch
            {
                "/FontDescriptor" => "/FontName",
                "/Font" => "/BaseFont",
                _ => null,
            };
            if (key is null) continue;
            var name = dict.Elements.GetName(key);
            var plus = name.IndexOf('+', StringComparison.Ordinal);
            if (plus != 7) continue; // "/" + six letters + "+"
            var baseName = name[(plus + 1)..];
            dict.Elements.SetName(key, "/" + SubsetTag(contentHash, baseName) + "+" + baseName);
        }
    }

    /// <summary>Six uppercase letters, as PDF 32000-1 §9.6.4 asks of a subset tag.</summary>
    static string SubsetTag(byte[] contentHash, string baseName)
    {
        var digest = SHA256.HashData([.. contentHash, .. Encoding.UTF8.GetBytes("subset:" + baseName)]);
        var tag = new char[6];
        for (var i = 0; i < 6; i++) tag[i] = (char)('A' + digest[i] % 26);
        return new string(tag);
    }

    static string Uuid(byte[] contentHash, string purpose)
    {
        var digest = SHA256.HashData([.. contentHash, .. Encoding.UTF8.GetBytes("xmp:" + purpose)]);
        return new Guid(digest.AsSpan(0, 16)).ToString("D");
    }

    static void PatchXmpId(byte[] pdf, string marker, string uuid)
    {
        // The packet is the last object written (PDFsharp creates it while saving), so search from the end.
        var at = pdf.AsSpan().LastIndexOf(Encoding.ASCII.GetBytes(marker));
        if (at < 0) return;
        var start = at + marker.Length;
        var replacement = Encoding.ASCII.GetBytes(uuid);
        if (pdf.AsSpan(start, replacement.Length).IndexOf((byte)'<') >= 0)
            throw new InvalidOperationException("The XMP identifier is not a 36-character UUID; the PDF library changed.");
        replacement.CopyTo(pdf, start);
    }
}
