using System.Numerics;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>
/// Proofs generated from stored complete-subtree hashes. Expected values come either from the DERIVED vectors
/// (every proof of the 8-leaf data set) or from <see cref="ReferenceTree"/>, the recursive RFC 6962 PATH/PROOF
/// over the same leaves; every generated proof must also verify.
/// </summary>
public sealed class ProofGenerationTests
{
    private const int LargestExhaustiveSize = 140;

    public static TheoryData<string, string, int> DerivedInclusion() => MerkleVectors.InclusionRows("derived_all_8");

    public static TheoryData<string, string, int> DerivedConsistency() => MerkleVectors.ConsistencyRows("derived_all_8");

    public static TheoryData<int> ExhaustiveSizes() => new(Enumerable.Range(1, LargestExhaustiveSize));

    /// <summary>Seeded random (index, size) and (size1, size2) pairs in trees of up to 5000 byte leaves.</summary>
    public static TheoryData<int, int> RandomPairs()
    {
        var random = new Random(6962);
        var rows = new TheoryData<int, int>();
        for (int i = 0; i < 12; i++)
        {
            int size = random.Next(LargestExhaustiveSize + 1, 5001);
            rows.Add(random.Next(0, size), size);
        }

        rows.Add(4999, 5000);
        rows.Add(2048, 4097);
        return rows;
    }

    [Theory]
    [MemberData(nameof(DerivedInclusion))]
    public void Inclusion_proof_of_the_8_leaf_set_equals_the_derived_vector(string name, string group, int index)
    {
        var vector = MerkleVectors.Inclusion(group, index);
        long leafIndex = vector.GetProperty("leafIndex").GetInt64();
        long size = vector.GetProperty("treeSize").GetInt64();
        var nodes = Dataset8Nodes();

        IReadOnlyList<byte[]> proof = MerkleProofs.Inclusion(leafIndex, size, OnlyNamed(MerkleProofs.InclusionNodes(leafIndex, size), nodes));

        Assert.Equal(MerkleVectors.HexList(vector, "proofHex"), proof);
        Assert.Equal(MerkleVectors.Hex(vector, "rootHex"), MerkleProofs.Root(size, OnlyNamed(MerkleProofs.RootNodes(size), nodes)));
        Assert.False(MerkleVectors.WantErr(vector), name);
    }

    [Theory]
    [MemberData(nameof(DerivedConsistency))]
    public void Consistency_proof_of_the_8_leaf_set_equals_the_derived_vector(string name, string group, int index)
    {
        var vector = MerkleVectors.Consistency(group, index);
        long size1 = vector.GetProperty("size1").GetInt64();
        long size2 = vector.GetProperty("size2").GetInt64();
        var nodes = Dataset8Nodes();

        IReadOnlyList<byte[]> proof = MerkleProofs.Consistency(size1, size2, OnlyNamed(MerkleProofs.ConsistencyNodes(size1, size2), nodes));

        Assert.Equal(MerkleVectors.HexList(vector, "proofHex"), proof);
        Assert.Equal(size1 == size2, proof.Count == 0);
        Assert.False(MerkleVectors.WantErr(vector), name);
    }

    [Theory]
    [MemberData(nameof(ExhaustiveSizes))]
    public void Every_inclusion_proof_equals_the_reference_path_and_verifies(int size)
    {
        var tree = ReferenceTree.OfByteLeaves(size);
        var nodes = tree.CompleteSubtrees();
        byte[] root = tree.Root(size);

        for (int index = 0; index < size; index++)
        {
            AssertInclusion(tree, nodes, index, size, root);
        }
    }

    [Theory]
    [MemberData(nameof(ExhaustiveSizes))]
    public void Every_consistency_proof_into_this_size_equals_the_reference_proof_and_verifies(int size2)
    {
        var tree = ReferenceTree.OfByteLeaves(size2);
        var nodes = tree.CompleteSubtrees();
        byte[] root2 = tree.Root(size2);

        for (int size1 = 1; size1 <= size2; size1++)
        {
            AssertConsistency(tree, nodes, size1, size2, root2);
        }
    }

    [Theory]
    [MemberData(nameof(RandomPairs))]
    public void Random_larger_tree_proofs_equal_the_reference_and_verify(int smaller, int size)
    {
        var tree = ReferenceTree.OfByteLeaves(size);
        var nodes = tree.CompleteSubtrees();
        byte[] root = tree.Root(size);

        Assert.Equal(root, MerkleProofs.Root(size, OnlyNamed(MerkleProofs.RootNodes(size), nodes)));
        AssertInclusion(tree, nodes, smaller, size, root);
        AssertInclusion(tree, nodes, size - 1, size, root);
        AssertConsistency(tree, nodes, smaller + 1, size, root);
        AssertConsistency(tree, nodes, 1, size, root);
    }

    [Theory]
    [InlineData(0L, 1L << 40)]
    [InlineData((1L << 40) - 1, 1L << 40)]
    [InlineData(123_456_789L, 1_000_000_007L)]
    [InlineData(1L << 61, long.MaxValue)]
    [InlineData(long.MaxValue - 1, long.MaxValue)]
    public void Inclusion_needs_few_distinct_nodes_inside_the_tree(long index, long size)
    {
        IReadOnlyList<NodeId> needed = MerkleProofs.InclusionNodes(index, size);

        // A proof in a tree of n leaves has at most ceil(log2 n) elements, and at most one of them (the first right
        // sibling that reaches the edge) is incomplete; it splits into fewer than ceil(log2 n) complete nodes.
        int depth = 64 - BitOperations.LeadingZeroCount((ulong)(size - 1));
        Assert.InRange(needed.Count, 1, 2 * depth);
        Assert.All(needed, node => Assert.True(node.End <= size, $"{node} lies beyond a tree of {size}"));
        Assert.Equal(needed.Count, needed.Distinct().Count());
    }

    [Theory]
    [InlineData(0L, 1L << 40, 40)] // a complete tree: one sibling per level
    [InlineData((1L << 40) - 1, 1L << 40, 40)]
    [InlineData(long.MaxValue - 1, long.MaxValue, 62)] // the last leaf of 2^63 - 1 leaves: the 62 left frontier subtrees
    [InlineData(0L, long.MaxValue, 62 + 62)] // leaf 0: 62 right siblings inside [0, 2^62), and [2^62, 2^63 - 1) splits into 62 nodes
    public void Inclusion_node_count_for_edge_cases(long index, long size, int expected) =>
        Assert.Equal(expected, MerkleProofs.InclusionNodes(index, size).Count);

    [Theory]
    [InlineData(-1L, 5L)]
    [InlineData(5L, 5L)]
    [InlineData(0L, 0L)]
    public void Inclusion_generation_refuses_an_index_outside_the_tree(long index, long size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.InclusionNodes(index, size));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Inclusion(index, size, new Dictionary<NodeId, byte[]>()));
    }

    [Theory]
    [InlineData(0L, 5L)]
    [InlineData(-1L, 5L)]
    [InlineData(6L, 5L)]
    public void Consistency_generation_refuses_size1_zero_or_above_size2(long size1, long size2)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.ConsistencyNodes(size1, size2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.Consistency(size1, size2, new Dictionary<NodeId, byte[]>()));
    }

    [Fact]
    public void Root_generation_refuses_a_negative_size_and_gives_the_empty_root_for_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.RootNodes(-1));
        Assert.Empty(MerkleProofs.RootNodes(0));
        Assert.Equal(MerkleHash.EmptyRoot, MerkleProofs.Root(0, new Dictionary<NodeId, byte[]>()));
    }

    [Fact]
    public void A_missing_node_is_named_in_an_argument_exception()
    {
        var nodes = ReferenceTree.OfByteLeaves(7).CompleteSubtrees();
        var missing = new NodeId(1, 2);
        Assert.Contains(missing, MerkleProofs.InclusionNodes(3, 7));
        nodes.Remove(missing);

        var refusal = Assert.Throws<ArgumentException>(() => MerkleProofs.Inclusion(3, 7, nodes));

        Assert.Equal("nodes", refusal.ParamName);
        Assert.Contains(missing.ToString(), refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_hash_of_the_wrong_length_is_an_argument_exception()
    {
        var nodes = ReferenceTree.OfByteLeaves(8).CompleteSubtrees();
        nodes[new NodeId(2, 1)] = new byte[31];
        nodes[new NodeId(3, 0)] = new byte[33];

        Assert.Throws<ArgumentException>(() => MerkleProofs.Consistency(3, 8, nodes));
        Assert.Throws<ArgumentException>(() => MerkleProofs.Root(8, nodes));
    }

    private static void AssertInclusion(ReferenceTree tree, Dictionary<NodeId, byte[]> nodes, int index, int size, byte[] root)
    {
        IReadOnlyList<byte[]> proof = MerkleProofs.Inclusion(index, size, OnlyNamed(MerkleProofs.InclusionNodes(index, size), nodes));

        Assert.Equal(tree.Path(index, size), proof);
        MerkleVerifier.VerifyInclusion(index, size, tree.LeafHash(index), proof, root);
    }

    private static void AssertConsistency(ReferenceTree tree, Dictionary<NodeId, byte[]> nodes, int size1, int size2, byte[] root2)
    {
        IReadOnlyList<byte[]> proof = MerkleProofs.Consistency(size1, size2, OnlyNamed(MerkleProofs.ConsistencyNodes(size1, size2), nodes));

        Assert.Equal(tree.Proof(size1, size2), proof);
        MerkleVerifier.VerifyConsistency(size1, size2, proof, tree.Root(size1), root2);
    }

    /// <summary>The stored hashes restricted to the nodes a generator named: proves the named list is enough.</summary>
    private static Dictionary<NodeId, byte[]> OnlyNamed(IReadOnlyList<NodeId> named, Dictionary<NodeId, byte[]> stored) =>
        named.Distinct().ToDictionary(node => node, node => stored[node]);

    /// <summary>The 15 complete-subtree hashes of the 8-leaf data set, as published in roots.json.</summary>
    private static Dictionary<NodeId, byte[]> Dataset8Nodes()
    {
        var nodes = new Dictionary<NodeId, byte[]>();
        var levels = MerkleVectors.Dataset8.GetProperty("node_hashes_by_level_hex");
        for (int level = 0; level < levels.GetArrayLength(); level++)
        {
            for (int index = 0; index < levels[level].GetArrayLength(); index++)
            {
                nodes[new NodeId(level, index)] = MerkleVectors.Hex(levels[level][index]);
            }
        }

        return nodes;
    }
}
