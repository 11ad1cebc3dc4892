using System.Security.Cryptography;
using System.Text.Json;
using MlLedger.Reports.Fonts;

namespace MlLedger.Reports.Rendering;

/// <summary>
/// SHA-256 over a report record serialized as JSON and the digests of the font files it is rendered with: equal
/// records rendered with equal font files give equal hashes, in any process. Other font files give other subset
/// bytes, so they give another hash too (and with it another /ID, XMP ids and subset tags).
/// </summary>
internal static class ContentHash
{
    public static byte[] Of<T>(string kind, T report) => Of(kind, report, ReportFonts.Digests);

    public static byte[] Of<T>(string kind, T report, IReadOnlyList<FontFileDigest> fonts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes("mlledger-report:" + kind + "\n"));
        sha.AppendData(JsonSerializer.SerializeToUtf8Bytes(report));
        foreach (var font in fonts) sha.AppendData(System.Text.Encoding.UTF8.GetBytes("\nfont:" + font.FileName + " " + font.Sha256));
        return sha.GetHashAndReset();
    }
}
