using System.Numerics;

namespace MlLedger.Integrity.Merkle;

/// <summary>
/// RFC 6962 §2.1.1 (PATH) and §2.1.2 (PROOF) proof generation from stored complete-subtree hashes.
/// Each proof element is the hash of a subtree [a, b) of the tree; left subtrees are always complete,
/// and a subtree on the right edge that is not complete is folded from the complete aligned nodes
/// that make it up. Callers first ask which nodes are needed (one query to fetch them), then assemble.
/// </summary>
public static class MerkleProofs
{
    /// <summary>The complete subtrees whose hashes <see cref="Inclusion"/> needs for leaf <paramref name="index"/> of a tree of <paramref name="size"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt;= index &lt; size.</exception>
    public static IReadOnlyList<NodeId> InclusionNodes(long index, long size)
    {
        CheckInclusionArguments(index, size);
        return Flatten(InclusionRanges(index, size));
    }

    /// <summary>The audit path of leaf <paramref name="index"/> in a tree of <paramref name="size"/> leaves, leaf sibling first, root child last.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt;= index &lt; size.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> lacks a node <see cref="InclusionNodes"/> names, or holds a hash that is not 32 bytes.</exception>
    public static IReadOnlyList<byte[]> Inclusion(long index, long size, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        CheckInclusionArguments(index, size);
        ArgumentNullException.ThrowIfNull(nodes);
        return Assemble(InclusionRanges(index, size), nodes);
    }

    /// <summary>The complete subtrees whose hashes <see cref="Consistency"/> needs to prove a tree of <paramref name="size1"/> leaves is a prefix of one of <paramref name="size2"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt; size1 &lt;= size2.</exception>
    public static IReadOnlyList<NodeId> ConsistencyNodes(long size1, long size2)
    {
        CheckConsistencyArguments(size1, size2);
        return Flatten(ConsistencyRanges(size1, size2));
    }

    /// <summary>
    /// The consistency proof PROOF(size1, D[size2]) of RFC 6962 §2.1.2. It is empty when the sizes are equal,
    /// which is what <see cref="MerkleVerifier.VerifyConsistency"/> requires then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt; size1 &lt;= size2.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> lacks a node <see cref="ConsistencyNodes"/> names, or holds a hash that is not 32 bytes.</exception>
    public static IReadOnlyList<byte[]> Consistency(long size1, long size2, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        CheckConsistencyArguments(size1, size2);
        ArgumentNullException.ThrowIfNull(nodes);
        return Assemble(ConsistencyRanges(size1, size2), nodes);
    }

    /// <summary>The nodes whose hashes give the root of a tree of <paramref name="size"/> leaves: its frontier, largest first (none for size 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    public static IReadOnlyList<NodeId> RootNodes(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return CompactRange.Frontier(size);
    }

    /// <summary>The Merkle Tree Hash of a tree of <paramref name="size"/> leaves; <see cref="MerkleHash.EmptyRoot"/> for size 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> lacks a node <see cref="RootNodes"/> names, or holds a hash that is not 32 bytes.</exception>
    public static byte[] Root(long size, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(nodes);
        return size == 0 ? MerkleHash.EmptyRoot : Fold(CompactRange.Frontier(size), nodes);
    }

    private static void CheckInclusionArguments(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, index);
    }

    private static void CheckConsistencyArguments(long size1, long size2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size2, size1);
    }

    /// <summary>
    /// PATH(m, D[n]) of RFC 6962 §2.1.1, walked top-down: at each step the tree [start, start + n) splits at
    /// k, the largest power of two below n, and the subtree not holding leaf m is recorded. Returned leaf sibling first.
    /// </summary>
    private static List<NodeId[]> InclusionRanges(long index, long size)
    {
        var ranges = new List<NodeId[]>();
        long start = 0;
        long n = size;
        long m = index;
        while (n > 1)
        {
            long k = LargestPowerOfTwoBelow(n);
            if (m < k)
            {
                ranges.Add(CompactRange.Decompose(start + k, start + n));
                n = k;
            }
            else
            {
                ranges.Add(CompactRange.Decompose(start, start + k));
                start += k;
                m -= k;
                n -= k;
            }
        }

        ranges.Reverse();
        return ranges;
    }

    /// <summary>
    /// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2, walked top-down. Siblings are recorded on the way down; when m
    /// reaches n the subtree itself joins the proof unless it is the whole old tree (b still true).
    /// The proof lists that subtree first, then the siblings from the bottom up.
    /// </summary>
    private static List<NodeId[]> ConsistencyRanges(long size1, long size2)
    {
        var siblings = new List<NodeId[]>();
        long start = 0;
        long n = size2;
        long m = size1;
        bool wholeOldTree = true;
        while (m != n)
        {
            long k = LargestPowerOfTwoBelow(n);
            if (m <= k)
            {
                siblings.Add(CompactRange.Decompose(start + k, start + n));
                n = k;
            }
            else
            {
                siblings.Add(CompactRange.Decompose(start, start + k));
                start += k;
                m -= k;
                n -= k;
                wholeOldTree = false;
            }
        }

        siblings.Reverse();
        if (!wholeOldTree)
        {
            siblings.Insert(0, CompactRange.Decompose(start, start + n));
        }

        return siblings;
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/>, for n &gt; 1.</summary>
    private static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private static NodeId[] Flatten(List<NodeId[]> ranges) => ranges.SelectMany(r => r).ToArray();

    private static byte[][] Assemble(List<NodeId[]> ranges, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        var proof = new byte[ranges.Count][];
        for (int i = 0; i < ranges.Count; i++)
        {
            proof[i] = Fold(ranges[i], nodes);
        }

        return proof;
    }

    /// <summary>The Merkle Tree Hash of consecutive complete subtrees (largest first): their hashes folded from the right.</summary>
    private static byte[] Fold(NodeId[] range, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        byte[] hash = (byte[])Lookup(range[^1], nodes).Clone();
        for (int i = range.Length - 2; i >= 0; i--)
        {
            MerkleHash.Node(Lookup(range[i], nodes), hash, hash);
        }

        return hash;
    }

    private static byte[] Lookup(NodeId node, IReadOnlyDictionary<NodeId, byte[]> nodes)
    {
        if (!nodes.TryGetValue(node, out byte[]? hash))
        {
            throw new ArgumentException($"The node hashes lack {node}, which the proof needs.", nameof(nodes));
        }

        if (hash is not { Length: MerkleHash.Size })
        {
            throw new ArgumentException($"The hash given for {node} is not {MerkleHash.Size} bytes long.", nameof(nodes));
        }

        return hash;
    }
}
