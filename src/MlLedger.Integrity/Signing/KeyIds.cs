using System.Security.Cryptography;

namespace MlLedger.Integrity.Signing;

/// <summary>Ledger key ids: lowercase hex SHA-256 of the key's SubjectPublicKeyInfo DER.</summary>
public static class KeyIds
{
    public static string FromSpki(ReadOnlySpan<byte> spkiDer) => Convert.ToHexStringLower(SHA256.HashData(spkiDer));
}
