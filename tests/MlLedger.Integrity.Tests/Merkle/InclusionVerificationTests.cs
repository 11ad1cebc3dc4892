using System.Text.Json;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>Every inclusion vector of inclusion.json through <see cref="MerkleVerifier.VerifyInclusion"/>.</summary>
public sealed class InclusionVerificationTests
{
    public static TheoryData<string, string, int> Published() => MerkleVectors.InclusionRows("published");

    public static TheoryData<string, string, int> Derived() => MerkleVectors.InclusionRows("derived_all_8");

    public static TheoryData<string, string, int> Probes() => MerkleVectors.InclusionRows("probes");

    [Fact]
    public void Vector_file_has_11_published_36_derived_and_98_probe_inclusion_vectors()
    {
        Assert.Equal(11, MerkleVectors.InclusionCount("published"));
        Assert.Equal(36, MerkleVectors.InclusionCount("derived_all_8"));
        Assert.Equal(98, MerkleVectors.InclusionCount("probes"));
    }

    [Theory]
    [MemberData(nameof(Published))]
    [MemberData(nameof(Derived))]
    public void Inclusion_vector_verifies(string name, string group, int index)
    {
        var vector = MerkleVectors.Inclusion(group, index);
        Assert.False(MerkleVectors.WantErr(vector), name);
        (long leafIndex, long size, byte[] leafHash, byte[][] proof, byte[] root) = Read(vector);
        AssertLeafDataHashesToLeafHash(vector, leafHash);

        MerkleVerifier.VerifyInclusion(leafIndex, size, leafHash, proof, root);
        Assert.Equal(root, MerkleVerifier.RootFromInclusionProof(leafIndex, size, leafHash, proof));
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public void Inclusion_probe_is_accepted_exactly_when_upstream_accepts_it(string file, string group, int index)
    {
        var vector = MerkleVectors.Inclusion(group, index);
        Assert.Equal(file, vector.GetProperty("file").GetString());
        (long leafIndex, long size, byte[] leafHash, byte[][] proof, byte[] root) = Read(vector);

        if (MerkleVectors.WantErr(vector))
        {
            Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyInclusion(leafIndex, size, leafHash, proof, root));
        }
        else
        {
            MerkleVerifier.VerifyInclusion(leafIndex, size, leafHash, proof, root);
        }
    }

    [Fact]
    public void Root_mismatch_carries_expected_and_calculated_roots()
    {
        var vector = MerkleVectors.Inclusion("published", 1);
        (long leafIndex, long size, byte[] leafHash, byte[][] proof, byte[] root) = Read(vector);
        byte[] wrongRoot = (byte[])root.Clone();
        wrongRoot[31] ^= 1;

        var refusal = Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyInclusion(leafIndex, size, leafHash, proof, wrongRoot));

        Assert.Equal(MerkleProofError.RootMismatch, refusal.Error);
        Assert.Equal(wrongRoot, refusal.Expected);
        Assert.Equal(root, refusal.Calculated);
    }

    [Theory]
    [InlineData(-1L, 8L)]
    [InlineData(8L, 8L)]
    [InlineData(0L, 0L)]
    [InlineData(0L, -1L)]
    public void Index_outside_the_tree_is_refused_as_index_out_of_range(long leafIndex, long size)
    {
        var refusal = Assert.Throws<MerkleProofException>(
            () => MerkleVerifier.VerifyInclusion(leafIndex, size, new byte[32], [], new byte[32]));

        Assert.Equal(MerkleProofError.IndexOutOfRange, refusal.Error);
    }

    private static (long Index, long Size, byte[] LeafHash, byte[][] Proof, byte[] Root) Read(JsonElement vector) =>
        (LeafIndex(vector.GetProperty("leafIndex")),
            vector.GetProperty("treeSize").GetInt64(),
            MerkleVectors.Hex(vector, "leafHashHex"),
            MerkleVectors.HexList(vector, "proofHex"),
            MerkleVectors.Hex(vector, "rootHex"));

    /// <summary>
    /// The "leafIdx sub @1" probes of leaf 0 carry 2^64 - 1: upstream subtracts 1 from an unsigned index.
    /// In this signed API the same subtraction gives -1, which is what the probe is read as.
    /// </summary>
    private static long LeafIndex(JsonElement value) =>
        value.TryGetInt64(out long index) ? index : unchecked((long)value.GetUInt64());

    private static void AssertLeafDataHashesToLeafHash(JsonElement vector, byte[] leafHash)
    {
        if (vector.TryGetProperty("leafDataHex", out JsonElement hex))
        {
            Assert.Equal(leafHash, MerkleHash.Leaf(MerkleVectors.Hex(hex)));
        }
        else if (vector.TryGetProperty("leafDataBase64", out JsonElement base64))
        {
            Assert.Equal(leafHash, MerkleHash.Leaf(Convert.FromBase64String(base64.GetString()!)));
        }
    }
}
