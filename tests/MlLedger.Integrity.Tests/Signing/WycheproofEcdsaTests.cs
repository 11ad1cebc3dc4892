using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

/// <summary>
/// Wycheproof ECDSA P-256 / SHA-256, DER form (Vectors/ecdsa_secp256r1_sha256_test.json): the ledger's verifier
/// gives each case the verdict the file states.
/// </summary>
public sealed class WycheproofEcdsaTests
{
    public static TheoryData<int, string> Cases => Wycheproof.Rows(Wycheproof.EcdsaP256Sha256);

    [Fact]
    public void Every_case_of_the_file_is_run()
    {
        Assert.Equal(484, Wycheproof.NumberOfTests(Wycheproof.EcdsaP256Sha256File));
        Assert.Equal(484, Wycheproof.EcdsaP256Sha256.Count);
        Assert.Equal(174, Wycheproof.EcdsaP256Sha256.Values.Count(c => c.MustVerify));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verifier_agrees_with_the_vector(int tcId, string comment)
    {
        var c = Wycheproof.EcdsaP256Sha256[tcId];
        var key = LedgerPublicKey.FromSpki(c.PublicKey);

        Assert.True(c.MustVerify == key.VerifyDer(c.Msg, c.Sig), $"tcId {tcId} ({comment}): expected {c.Result}");
    }

    /// <summary>
    /// The cases whose flags name an encoding defect are refused by the encoding rule itself, before any arithmetic
    /// (the flags are the file's own, explained in its "notes"); and every valid case passes it.
    /// </summary>
    [Fact]
    public void Cases_flagged_as_encoding_defects_are_refused_by_the_encoding_rule()
    {
        string[] encodingFlags = ["MissingZero", "BerEncodedSignature", "InvalidEncoding", "InvalidTypesInSignature", "RangeCheck", "IntegerOverflow"];
        var flagged = Wycheproof.EcdsaP256Sha256.Values.Where(c => c.Flags.Intersect(encodingFlags).Any()).ToList();

        Assert.Equal(174, flagged.Count);
        Assert.All(flagged, c => Assert.False(P256DerSignature.IsStrict(c.Sig), $"tcId {c.TcId} ({c.Comment})"));
        Assert.All(Wycheproof.EcdsaP256Sha256.Values.Where(c => c.MustVerify), c => Assert.True(P256DerSignature.IsStrict(c.Sig), $"tcId {c.TcId}"));
    }
}
