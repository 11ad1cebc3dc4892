using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>
/// A deliberately naive transcription of RFC 6962 §2.1 (MTH), §2.1.1 (PATH) and §2.1.2 (PROOF/SUBPROOF):
/// recursive, recomputing every subtree from its leaves, sharing no code with the ledger's tree except the
/// two hash primitives (themselves checked against published vectors). Expected values in the generation
/// tests come from here.
/// </summary>
internal sealed class ReferenceTree
{
    private readonly byte[][] _leafHashes;

    public ReferenceTree(IEnumerable<byte[]> leafHashes) => _leafHashes = leafHashes.ToArray();

    public int Size => _leafHashes.Length;

    public byte[] LeafHash(int index) => _leafHashes[index];

    /// <summary>A tree over the leaves bytes([i]) (wrapping after 255: leaf i is the 4 little-endian bytes of i from 256 on).</summary>
    public static ReferenceTree OfByteLeaves(int size) =>
        new(Enumerable.Range(0, size).Select(i => MerkleHash.Leaf(i < 256 ? [(byte)i] : BitConverter.GetBytes(i))));

    /// <summary>MTH(D[start:end]).</summary>
    public byte[] Mth(int start, int end)
    {
        int n = end - start;
        if (n == 0)
        {
            return MerkleHash.EmptyRoot;
        }

        if (n == 1)
        {
            return _leafHashes[start];
        }

        int k = LargestPowerOfTwoBelow(n);
        return MerkleHash.Node(Mth(start, start + k), Mth(start + k, end));
    }

    public byte[] Root(int size) => Mth(0, size);

    /// <summary>PATH(m, D[0:size]).</summary>
    public List<byte[]> Path(int m, int size) => Path(m, 0, size);

    /// <summary>PROOF(m, D[0:size]).</summary>
    public List<byte[]> Proof(int m, int size) => SubProof(m, 0, size, true);

    /// <summary>Every complete aligned subtree of the tree of <see cref="Size"/> leaves, with its hash.</summary>
    public Dictionary<NodeId, byte[]> CompleteSubtrees()
    {
        var nodes = new Dictionary<NodeId, byte[]>();
        for (int level = 0; (1 << level) <= Size; level++)
        {
            for (int index = 0; (index + 1) << level <= Size; index++)
            {
                nodes[new NodeId(level, index)] = Mth(index << level, (index + 1) << level);
            }
        }

        return nodes;
    }

    private List<byte[]> Path(int m, int start, int end)
    {
        int n = end - start;
        if (n == 1)
        {
            return [];
        }

        int k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            List<byte[]> path = Path(m, start, start + k);
            path.Add(Mth(start + k, end));
            return path;
        }
        else
        {
            List<byte[]> path = Path(m - k, start + k, end);
            path.Add(Mth(start, start + k));
            return path;
        }
    }

    private List<byte[]> SubProof(int m, int start, int end, bool wholeOldTree)
    {
        int n = end - start;
        if (m == n)
        {
            return wholeOldTree ? [] : [Mth(start, end)];
        }

        int k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            List<byte[]> proof = SubProof(m, start, start + k, wholeOldTree);
            proof.Add(Mth(start + k, end));
            return proof;
        }
        else
        {
            List<byte[]> proof = SubProof(m - k, start + k, end, false);
            proof.Add(Mth(start, start + k));
            return proof;
        }
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        int k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }
}
