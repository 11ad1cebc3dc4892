using System.Numerics;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>The right frontier that the ledger appends to; expected roots come from <see cref="ReferenceTree"/>.</summary>
public sealed class CompactRangeTests
{
    private const int Leaves = 300;

    public static TheoryData<int> Sizes() => new(Enumerable.Range(0, 141).Concat([255, 256, 257, 300]));

    [Fact]
    public void Empty_range_has_no_hashes_and_the_empty_root()
    {
        var range = CompactRange.Empty();

        Assert.Equal(0, range.Size);
        Assert.Empty(range.Hashes);
        Assert.Empty(range.Nodes);
        Assert.Equal(MerkleHash.EmptyRoot, range.Root());
    }

    [Fact]
    public void Appending_n_leaves_reports_each_complete_subtree_once_bottom_up_2n_minus_popcount_n_in_all()
    {
        var tree = ReferenceTree.OfByteLeaves(Leaves);
        var completeSubtrees = tree.CompleteSubtrees();
        var range = CompactRange.Empty();
        var reported = new List<NodeId>();

        for (int n = 1; n <= Leaves; n++)
        {
            var thisAppend = new List<NodeId>();
            range.Append(tree.LeafHash(n - 1), (node, hash) =>
            {
                Assert.Equal(completeSubtrees[node], hash);
                thisAppend.Add(node);
            });

            Assert.Equal(new NodeId(0, n - 1), thisAppend[0]);
            Assert.Equal(thisAppend.OrderBy(node => node.Level), thisAppend);
            Assert.All(thisAppend, node => Assert.Equal(n, (int)node.End));
            reported.AddRange(thisAppend);
            Assert.Equal((2 * n) - BitOperations.PopCount((uint)n), reported.Count);
        }

        Assert.Equal(reported.Count, reported.Distinct().Count());
        Assert.Equal(completeSubtrees.Keys.OrderBy(node => (node.Level, node.Index)), reported.OrderBy(node => (node.Level, node.Index)));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Root_equals_the_reference_tree_hash_and_nodes_are_the_frontier(int size)
    {
        var tree = ReferenceTree.OfByteLeaves(size);
        var range = CompactRange.Empty();
        for (int i = 0; i < size; i++)
        {
            range.Append(tree.LeafHash(i));
        }

        Assert.Equal(size, range.Size);
        Assert.Equal(tree.Root(size), range.Root());
        Assert.Equal(BitOperations.PopCount((uint)size), range.Hashes.Count);
        Assert.Equal(MerkleProofs.RootNodes(size), range.Nodes);
        Assert.Equal(range.Nodes.Select(node => tree.Mth((int)node.Start, (int)node.End)), range.Hashes);
        Assert.Equal(size, range.Nodes.Sum(node => node.End - node.Start));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(139)]
    public void From_hashes_round_trips_and_goes_on_appending(int size)
    {
        var tree = ReferenceTree.OfByteLeaves(size + 5);
        var original = CompactRange.Empty();
        for (int i = 0; i < size; i++)
        {
            original.Append(tree.LeafHash(i));
        }

        var restored = CompactRange.FromHashes(original.Size, original.Hashes);
        Assert.Equal(original.Hashes, restored.Hashes);
        Assert.Equal(original.Root(), restored.Root());

        for (int i = size; i < size + 5; i++)
        {
            restored.Append(tree.LeafHash(i));
        }

        Assert.Equal(tree.Root(size + 5), restored.Root());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(5, 3)]
    [InlineData(8, 0)]
    [InlineData(7, 2)]
    public void From_hashes_refuses_a_count_other_than_popcount_of_size(long size, int count)
    {
        byte[][] hashes = Enumerable.Range(0, count).Select(_ => new byte[32]).ToArray();

        Assert.Throws<ArgumentException>(() => CompactRange.FromHashes(size, hashes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void From_hashes_refuses_a_hash_that_is_not_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => CompactRange.FromHashes(3, [new byte[32], new byte[length]]));
    }

    [Fact]
    public void From_hashes_refuses_a_negative_size() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactRange.FromHashes(-1, []));

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(64)]
    public void Append_refuses_a_leaf_hash_that_is_not_32_bytes(int length)
    {
        var range = CompactRange.Empty();

        Assert.Throws<ArgumentException>(() => range.Append(new byte[length]));
        Assert.Equal(0, range.Size);
    }

    [Fact]
    public void Callers_cannot_change_the_range_through_the_arrays_it_hands_out()
    {
        var tree = ReferenceTree.OfByteLeaves(3);
        var range = CompactRange.Empty();
        byte[] leaf = (byte[])tree.LeafHash(0).Clone();
        range.Append(leaf, (_, hash) => hash[0] ^= 0xff);
        leaf[1] ^= 0xff;
        range.Append(tree.LeafHash(1), (_, hash) => hash[0] ^= 0xff);
        range.Hashes[0][2] ^= 0xff;
        range.Root()[3] ^= 0xff;

        Assert.Equal(tree.Root(2), range.Root());
    }
}
