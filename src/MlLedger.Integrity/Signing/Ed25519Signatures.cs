using Org.BouncyCastle.Math.EC.Rfc8032;

namespace MlLedger.Integrity.Signing;

/// <summary>
/// Ed25519 verification (RFC 8032 §5.1.7) of signatures by others: note signatures under type 0x01 verifier keys
/// (other logs, witnesses). The ledger itself signs only with P-256. A signature is 64 bytes R || S and a key 32
/// bytes; BouncyCastle's RFC 8032 verifier then refuses S ≥ L (the second form S + L of every signature), an R or
/// key whose y is not below p, and a key that is not a point of the curve. The Wycheproof Ed25519 vectors and an
/// S + L test in the Integrity tests hold it to that.
/// </summary>
public static class Ed25519Signatures
{
    public static int PublicKeySize => Ed25519.PublicKeySize;

    public static int SignatureSize => Ed25519.SignatureSize;

    /// <summary>Returns false, never throws, for a key or signature of the wrong length or form.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        byte[] m = message.ToArray();
        try
        {
            return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, m, 0, m.Length);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
