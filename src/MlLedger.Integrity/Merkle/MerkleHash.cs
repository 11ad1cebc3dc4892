using System.Security.Cryptography;

namespace MlLedger.Integrity.Merkle;

/// <summary>
/// The RFC 6962 / RFC 9162 hashing of the ledger's Merkle tree, with SHA-256:
/// leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), empty tree = SHA-256("").
/// </summary>
public static class MerkleHash
{
    /// <summary>Length in bytes of every hash in the tree.</summary>
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;
    private const int StackLimit = 256;

    private static readonly byte[] EmptyRootValue = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The root of a tree with no leaves, SHA-256(""). Each call returns a fresh copy.</summary>
    public static byte[] EmptyRoot => (byte[])EmptyRootValue.Clone();

    /// <summary>The leaf hash SHA-256(0x00 || leafData).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> leafData)
    {
        if (leafData.Length >= StackLimit)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData([LeafPrefix]);
            hash.AppendData(leafData);
            return hash.GetHashAndReset();
        }

        Span<byte> input = stackalloc byte[StackLimit];
        input[0] = LeafPrefix;
        leafData.CopyTo(input[1..]);
        return SHA256.HashData(input[..(1 + leafData.Length)]);
    }

    /// <summary>
    /// The interior node hash SHA-256(0x01 || left || right). The children are hashed as given; callers
    /// that build or verify trees check that they are <see cref="Size"/> bytes long.
    /// </summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        byte[] result = new byte[Size];
        Node(left, right, result);
        return result;
    }

    /// <summary>Writes SHA-256(0x01 || left || right) into <paramref name="destination"/>, which may overlap either child.</summary>
    internal static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        int length = 1 + left.Length + right.Length;
        Span<byte> input = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        input = input[..length];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + left.Length)..]);
        SHA256.HashData(input, destination);
    }

    internal static bool IsHash(ReadOnlySpan<byte> value) => value.Length == Size;
}
