using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>Hash primitives and Merkle Tree Hashes against roots.json.</summary>
public sealed class MerkleHashTests
{
    public static TheoryData<string, int> HasherRows()
    {
        var rows = new TheoryData<string, int>();
        int index = 0;
        foreach (var vector in MerkleVectors.Roots.GetProperty("hasher").EnumerateArray())
        {
            rows.Add(vector.GetProperty("desc").GetString()!, index++);
        }

        return rows;
    }

    public static TheoryData<int> Dataset8Sizes() => new(Enumerable.Range(0, 9));

    public static TheoryData<int, int> Dataset8Nodes()
    {
        var rows = new TheoryData<int, int>();
        var levels = MerkleVectors.Dataset8.GetProperty("node_hashes_by_level_hex");
        for (int level = 0; level < levels.GetArrayLength(); level++)
        {
            for (int index = 0; index < levels[level].GetArrayLength(); index++)
            {
                rows.Add(level, index);
            }
        }

        return rows;
    }

    public static TheoryData<int> ByteLeafSizes() => new(Enumerable.Range(0, 131));

    [Fact]
    public void Vector_file_has_6_hasher_cases_9_dataset_8_roots_15_nodes_and_131_byte_leaf_roots()
    {
        Assert.Equal(6, HasherRows().Count);
        Assert.Equal(9, MerkleVectors.Dataset8.GetProperty("roots_by_size_hex").GetArrayLength());
        Assert.Equal(15, Dataset8Nodes().Count);
        Assert.Equal(131, MerkleVectors.Roots.GetProperty("derived_byte_leaves").GetProperty("roots_by_size_hex").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(HasherRows))]
    public void Hasher_matches_vector(string desc, int index)
    {
        var vector = MerkleVectors.Roots.GetProperty("hasher")[index];
        byte[] want = MerkleVectors.Hex(vector, "want_hex");

        byte[] got = vector.GetProperty("kind").GetString() switch
        {
            "empty_root" => MerkleHash.EmptyRoot,
            "leaf" => MerkleHash.Leaf(MerkleVectors.Hex(vector, "input_hex")),
            "node" => MerkleHash.Node(MerkleVectors.Hex(vector, "left_hex"), MerkleVectors.Hex(vector, "right_hex")),
            var kind => throw new InvalidOperationException($"unknown hasher kind {kind} in '{desc}'"),
        };

        Assert.Equal(want, got);
    }

    [Fact]
    public void Empty_root_is_a_fresh_copy_each_time()
    {
        byte[] first = MerkleHash.EmptyRoot;
        first[0] ^= 0xff;

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyRoot));
    }

    [Theory]
    [MemberData(nameof(Dataset8Sizes))]
    public void Dataset_8_leaf_hashes_and_root_of_every_size_match_vectors(int size)
    {
        var data = MerkleVectors.Dataset8;
        byte[][] leaves = MerkleVectors.HexList(data, "leaves_hex");
        byte[][] leafHashes = MerkleVectors.HexList(data, "leaf_hashes_hex");
        byte[] want = MerkleVectors.Hex(data.GetProperty("roots_by_size_hex")[size]);

        var range = CompactRange.Empty();
        for (int i = 0; i < size; i++)
        {
            Assert.Equal(leafHashes[i], MerkleHash.Leaf(leaves[i]));
            range.Append(MerkleHash.Leaf(leaves[i]));
        }

        Assert.Equal(want, range.Root());
        Assert.Equal(want, new ReferenceTree(leafHashes.Take(size)).Root(size));
        Assert.Equal(want, MerkleProofs.Root(size, new ReferenceTree(leafHashes).CompleteSubtrees()));
    }

    [Theory]
    [MemberData(nameof(Dataset8Nodes))]
    public void Dataset_8_complete_subtree_hash_is_reported_by_compact_range(int level, int index)
    {
        var data = MerkleVectors.Dataset8;
        byte[] want = MerkleVectors.Hex(data.GetProperty("node_hashes_by_level_hex")[level][index]);
        var completed = new Dictionary<NodeId, byte[]>();
        var range = CompactRange.Empty();

        foreach (byte[] leaf in MerkleVectors.HexList(data, "leaves_hex"))
        {
            range.Append(MerkleHash.Leaf(leaf), (node, hash) => completed.Add(node, hash));
        }

        Assert.Equal(want, completed[new NodeId(level, index)]);
    }

    [Theory]
    [MemberData(nameof(ByteLeafSizes))]
    public void Byte_leaves_root_matches_derived_vector(int size)
    {
        var derived = MerkleVectors.Roots.GetProperty("derived_byte_leaves");
        byte[] want = MerkleVectors.Hex(derived.GetProperty("roots_by_size_hex")[size]);
        var range = CompactRange.Empty();

        for (int i = 0; i < size; i++)
        {
            range.Append(MerkleHash.Leaf([(byte)i]));
        }

        Assert.Equal(want, range.Root());
        Assert.Equal(want, ReferenceTree.OfByteLeaves(size).Root(size));
    }
}
