namespace MlLedger.Reports.Fonts;

/// <summary>A font file a report was rendered with: its file name and the SHA-256 of its bytes (lowercase hex).</summary>
public sealed record FontFileDigest(string FileName, string Sha256)
{
    public override string ToString() => $"{FileName} sha256 {Sha256}";
}
