namespace MlLedger.Integrity.Merkle;

/// <summary>Why a Merkle proof was refused.</summary>
public enum MerkleProofError
{
    /// <summary>The leaf index is negative or not below the tree size.</summary>
    IndexOutOfRange = 1,

    /// <summary>The tree sizes cannot be compared: a size is not positive, or the first exceeds the second.</summary>
    InvalidSizes,

    /// <summary>A root, leaf hash or proof element is not <see cref="MerkleHash.Size"/> bytes long.</summary>
    InvalidHashSize,

    /// <summary>The proof has more or fewer elements than the tree sizes call for.</summary>
    WrongProofSize,

    /// <summary>The proof is well formed but does not lead to the given root.</summary>
    RootMismatch,
}

/// <summary>A Merkle inclusion or consistency proof does not hold; <see cref="Error"/> says why.</summary>
public sealed class MerkleProofException : Exception
{
    public MerkleProofException(MerkleProofError error, string message)
        : base(message)
    {
        Error = error;
    }

    private MerkleProofException(string message, byte[] expected, byte[] calculated)
        : base(message)
    {
        Error = MerkleProofError.RootMismatch;
        Expected = expected;
        Calculated = calculated;
    }

    public MerkleProofError Error { get; }

    /// <summary>For <see cref="MerkleProofError.RootMismatch"/>: the root the caller trusts.</summary>
    public byte[]? Expected { get; }

    /// <summary>For <see cref="MerkleProofError.RootMismatch"/>: the root the proof leads to.</summary>
    public byte[]? Calculated { get; }

    internal static MerkleProofException RootMismatch(string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> calculated) =>
        new(
            $"{what}: calculated root {Convert.ToHexStringLower(calculated)} does not match expected {Convert.ToHexStringLower(expected)}",
            expected.ToArray(),
            calculated.ToArray());
}
