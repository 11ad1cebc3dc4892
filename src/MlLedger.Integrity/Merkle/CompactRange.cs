using System.Diagnostics;
using System.Numerics;

namespace MlLedger.Integrity.Merkle;

/// <summary>
/// The right frontier ("compact range" from leaf 0) of a tree of <see cref="Size"/> leaves: the hashes of
/// its maximal complete subtrees, left (largest) to right. It is enough to append further leaves and to
/// compute the root, in O(log n) memory, which is how a tree of any size is built or re-checked in one pass.
/// An instance is not safe for concurrent appends.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _hashes;

    private CompactRange(long size, List<byte[]> hashes)
    {
        Size = size;
        _hashes = hashes;
    }

    /// <summary>The number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Copies of the frontier hashes, left (largest subtree) to right; popcount(Size) of them.</summary>
    public IReadOnlyList<byte[]> Hashes => _hashes.Select(h => (byte[])h.Clone()).ToArray();

    /// <summary>The subtrees whose hashes <see cref="Hashes"/> holds, in the same order.</summary>
    public IReadOnlyList<NodeId> Nodes => Frontier(Size);

    public static CompactRange Empty() => new(0, []);

    /// <summary>Restores the frontier of a tree of <paramref name="size"/> leaves from its hashes (as <see cref="Hashes"/> gave them).</summary>
    /// <exception cref="ArgumentException">The count is not popcount(size) or a hash is not 32 bytes.</exception>
    public static CompactRange FromHashes(long size, IReadOnlyList<byte[]> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(hashes);
        int expected = BitOperations.PopCount((ulong)size);
        if (hashes.Count != expected)
        {
            throw new ArgumentException(
                $"A tree of {size} leaves has {expected} frontier hashes, not {hashes.Count}.", nameof(hashes));
        }

        var copies = new List<byte[]>(expected);
        for (int i = 0; i < hashes.Count; i++)
        {
            if (hashes[i] is not { Length: MerkleHash.Size } hash)
            {
                throw new ArgumentException(
                    $"Frontier hash {i} is not {MerkleHash.Size} bytes long.", nameof(hashes));
            }

            copies.Add((byte[])hash.Clone());
        }

        return new CompactRange(size, copies);
    }

    /// <summary>
    /// Appends one leaf hash. <paramref name="onCompleted"/> is called for the leaf itself (level 0) and then for
    /// every complete subtree this append completes, bottom-up; each call gets its own copy of the hash.
    /// </summary>
    /// <exception cref="ArgumentException">The leaf hash is not 32 bytes.</exception>
    public void Append(ReadOnlySpan<byte> leafHash, Action<NodeId, byte[]>? onCompleted = null)
    {
        if (!MerkleHash.IsHash(leafHash))
        {
            throw new ArgumentException($"A leaf hash is {MerkleHash.Size} bytes long, not {leafHash.Length}.", nameof(leafHash));
        }

        if (Size == long.MaxValue)
        {
            throw new InvalidOperationException("The tree cannot grow past long.MaxValue leaves.");
        }

        byte[] current = leafHash.ToArray();
        var node = new NodeId(0, Size);
        onCompleted?.Invoke(node, (byte[])current.Clone());

        // Each trailing one bit of Size is a complete subtree on the frontier that the new one now pairs with.
        for (long rest = Size; (rest & 1) == 1; rest >>= 1)
        {
            byte[] left = _hashes[^1];
            _hashes.RemoveAt(_hashes.Count - 1);
            MerkleHash.Node(left, current, current);
            node = new NodeId(node.Level + 1, node.Index >> 1);
            onCompleted?.Invoke(node, (byte[])current.Clone());
        }

        _hashes.Add(current);
        Size++;
    }

    /// <summary>The Merkle Tree Hash of the tree of <see cref="Size"/> leaves; <see cref="MerkleHash.EmptyRoot"/> when it has none.</summary>
    public byte[] Root()
    {
        if (_hashes.Count == 0)
        {
            return MerkleHash.EmptyRoot;
        }

        byte[] root = (byte[])_hashes[^1].Clone();
        for (int i = _hashes.Count - 2; i >= 0; i--)
        {
            MerkleHash.Node(_hashes[i], root, root);
        }

        return root;
    }

    /// <summary>The maximal complete subtrees of a tree of <paramref name="size"/> leaves, largest first.</summary>
    internal static NodeId[] Frontier(long size) => Decompose(0, size);

    /// <summary>
    /// The complete aligned subtrees that make up the leaves [start, end), largest first, when start is a
    /// multiple of the largest power of two not above end - start (true of every range an RFC 6962 proof uses).
    /// Folding their hashes from the right gives the Merkle Tree Hash of those leaves.
    /// </summary>
    internal static NodeId[] Decompose(long start, long end)
    {
        long count = end - start;
        var nodes = new NodeId[BitOperations.PopCount((ulong)count)];
        int next = 0;
        for (int level = NodeId.MaxLevel; level >= 0; level--)
        {
            if ((count & (1L << level)) != 0)
            {
                Debug.Assert((start & ((1L << level) - 1)) == 0, "the range must start on a subtree boundary");
                nodes[next++] = new NodeId(level, start >> level);
                start += 1L << level;
            }
        }

        return nodes;
    }
}
