using System.Text.Json;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>Every consistency vector of consistency.json through <see cref="MerkleVerifier.VerifyConsistency"/>.</summary>
public sealed class ConsistencyVerificationTests
{
    /// <summary>
    /// The one upstream probe this verifier deliberately answers differently: it expects success for
    /// 12-byte "roots" when the sizes are equal, and this verifier refuses any root that is not 32 bytes.
    /// </summary>
    private const string TwelveByteRootsProbe = "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

    public static TheoryData<string, string, int> Published() => MerkleVectors.ConsistencyRows("published");

    public static TheoryData<string, string, int> Derived() => MerkleVectors.ConsistencyRows("derived_all_8");

    public static TheoryData<string, string, int> Probes() => MerkleVectors.ConsistencyRows("probes");

    [Fact]
    public void Vector_file_has_5_published_36_derived_and_98_probe_consistency_vectors()
    {
        Assert.Equal(5, MerkleVectors.ConsistencyCount("published"));
        Assert.Equal(36, MerkleVectors.ConsistencyCount("derived_all_8"));
        Assert.Equal(98, MerkleVectors.ConsistencyCount("probes"));
    }

    [Theory]
    [MemberData(nameof(Published))]
    [MemberData(nameof(Derived))]
    public void Consistency_vector_verifies(string name, string group, int index)
    {
        var vector = MerkleVectors.Consistency(group, index);
        Assert.False(MerkleVectors.WantErr(vector), name);
        (long size1, long size2, byte[] root1, byte[] root2, byte[][] proof) = Read(vector);

        MerkleVerifier.VerifyConsistency(size1, size2, proof, root1, root2);
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public void Consistency_probe_is_accepted_exactly_when_upstream_accepts_it(string file, string group, int index)
    {
        var vector = MerkleVectors.Consistency(group, index);
        (long size1, long size2, byte[] root1, byte[] root2, byte[][] proof) = Read(vector);

        if (file == TwelveByteRootsProbe)
        {
            // Convention difference, on purpose: upstream (transparency-dev/merkle) only compares the roots when
            // the sizes are equal and so accepts these 12-byte values. A root that is not a SHA-256 hash cannot
            // be the root of any tree, so this verifier refuses it up front, before looking at the sizes.
            Assert.False(MerkleVectors.WantErr(vector));
            Assert.Equal(12, root1.Length);
            var refusal = Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyConsistency(size1, size2, proof, root1, root2));
            Assert.Equal(MerkleProofError.InvalidHashSize, refusal.Error);
        }
        else if (MerkleVectors.WantErr(vector))
        {
            Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyConsistency(size1, size2, proof, root1, root2));
        }
        else
        {
            MerkleVerifier.VerifyConsistency(size1, size2, proof, root1, root2);
        }
    }

    [Fact]
    public void Equal_sizes_need_an_empty_proof_and_equal_roots_as_in_transparency_dev()
    {
        byte[] root = MerkleVectors.Hex(MerkleVectors.Dataset8.GetProperty("roots_by_size_hex")[5]);
        byte[] other = MerkleVectors.Hex(MerkleVectors.Dataset8.GetProperty("roots_by_size_hex")[6]);

        MerkleVerifier.VerifyConsistency(5, 5, [], root, root);
        Assert.Equal(
            MerkleProofError.WrongProofSize,
            Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyConsistency(5, 5, [root], root, root)).Error);
        Assert.Equal(
            MerkleProofError.RootMismatch,
            Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyConsistency(5, 5, [], root, other)).Error);
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(0L, 8L)]
    [InlineData(-1L, 8L)]
    [InlineData(6L, 5L)]
    public void Size1_zero_or_above_size2_is_refused_as_invalid_sizes_as_in_transparency_dev(long size1, long size2)
    {
        byte[] root = MerkleHash.EmptyRoot;

        var refusal = Assert.Throws<MerkleProofException>(() => MerkleVerifier.VerifyConsistency(size1, size2, [root], root, root));

        Assert.Equal(MerkleProofError.InvalidSizes, refusal.Error);
    }

    private static (long Size1, long Size2, byte[] Root1, byte[] Root2, byte[][] Proof) Read(JsonElement vector) =>
        (vector.GetProperty("size1").GetInt64(),
            vector.GetProperty("size2").GetInt64(),
            MerkleVectors.Hex(vector, "root1Hex"),
            MerkleVectors.Hex(vector, "root2Hex"),
            MerkleVectors.HexList(vector, "proofHex"));
}
