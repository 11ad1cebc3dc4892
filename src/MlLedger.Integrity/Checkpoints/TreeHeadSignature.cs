using System.Buffers.Binary;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Checkpoints;

/// <summary>
/// Note signatures of type 0x05 (C2SP static-ct-api): an RFC 6962 TreeHeadSignature over the checkpoint.
/// Signature bytes = uint64 timestamp || DigitallySigned { hash 4 (SHA-256), signature 3 (ECDSA), uint16 length, DER }.
/// Signed bytes = version 0 || signature type 1 (tree_hash) || timestamp || tree size || 32-byte root hash.
/// </summary>
internal static class TreeHeadSignature
{
    private const byte Sha256 = 4;
    private const byte Ecdsa = 3;

    /// <summary>
    /// False unless <paramref name="text"/> is a checkpoint of the log <paramref name="origin"/> with a SHA-256 root
    /// and no extension lines (RFC 6962 signs nothing else), and the tree-head signature is valid.
    /// </summary>
    public static bool Verify(string origin, LedgerPublicKey log, string text, ReadOnlySpan<byte> signature)
    {
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!string.Equals(checkpoint.Origin, origin, StringComparison.Ordinal)
            || checkpoint.Extensions.Count != 0
            || checkpoint.RootHash.Length != Merkle.MerkleHash.Size
            || signature.Length < 12
            || signature[8] != Sha256
            || signature[9] != Ecdsa
            || BinaryPrimitives.ReadUInt16BigEndian(signature[10..]) != signature.Length - 12)
        {
            return false;
        }

        var signed = new byte[2 + 8 + 8 + 32];
        signed[0] = 0;
        signed[1] = 1;
        signature[..8].CopyTo(signed.AsSpan(2));
        BinaryPrimitives.WriteInt64BigEndian(signed.AsSpan(10), checkpoint.Size);
        checkpoint.RootHash.CopyTo(signed, 18);
        return log.VerifyDer(signed, signature[12..]);
    }
}
