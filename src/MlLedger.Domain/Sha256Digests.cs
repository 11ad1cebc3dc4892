namespace MlLedger.Domain;

/// <summary>Hex SHA-256 digests name bytes, not text: "AB…" and "ab…" are the same digest.</summary>
public static class Sha256Digests
{
    public static bool AreEqual(string? left, string? right) =>
        left is not null && right is not null && string.Equals(left, right, StringComparison.OrdinalIgnoreCase);
}
