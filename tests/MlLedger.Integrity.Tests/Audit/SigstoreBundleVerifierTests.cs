using System.Text;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Tests.Signing;

namespace MlLedger.Integrity.Tests.Audit;

/// <summary>The bundle vector of the generated log (entry key and log key) verifies; changes to it do not.</summary>
public sealed class SigstoreBundleVerifierTests
{
    private static readonly TrustedKeys Trusted = new([
        new KeyRingEntry(LedgerPublicKey.FromPem(VectorFiles.Text("signer_public.pem")), KeyStatus.Active, DateTimeOffset.UnixEpoch, null),
        new KeyRingEntry(LedgerPublicKey.FromPem(VectorFiles.Text("log_public.pem")), KeyStatus.Active, DateTimeOffset.UnixEpoch, null)]);

    private static string Bundle => VectorFiles.Text("bundle.dsse.v0.3.json");

    public static TheoryData<string> DerFormsOfTheSignature => DerForms.Rows;

    [Fact]
    public void Bundle_vector_passes_every_log_check_and_is_refused_only_for_not_being_a_ledger_entry()
    {
        // the vector's statement is not a ledger entry (no ledger predicate, so no time to check its key's window against)
        var result = SigstoreBundleVerifier.Verify(Encoding.UTF8.GetBytes(Bundle), Trusted);

        Assert.False(result.IsValid);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(EntryFailureCodes.MalformedStatement, failure.Code);
        Assert.Equal((5L, 6L), (result.LogIndex, result.TreeSize));
    }

    [Theory]
    [InlineData("\"treeSize\": \"6\"", "\"treeSize\": \"7\"", "checkpoint-size")]
    [InlineData("\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"", "\"mediaType\": \"x\"", "")]
    [InlineData("nT1kuVU7", "nT1kuVU8", SigstoreBundleVerifier.InclusionFailed)]
    public void Changed_bundle_is_refused(string from, string to, string code)
    {
        string changed = Bundle.Replace(from, to, StringComparison.Ordinal);

        if (code.Length == 0)
        {
            Assert.Throws<FormatException>(() => SigstoreBundleVerifier.Verify(Encoding.UTF8.GetBytes(changed), Trusted));
            return;
        }

        var result = SigstoreBundleVerifier.Verify(Encoding.UTF8.GetBytes(changed), Trusted);
        Assert.Contains(code, result.Failures.Select(f => f.Code));
    }

    [Fact]
    public void Bundle_under_other_trusted_keys_is_refused()
    {
        using var other = LedgerSigningKey.Generate();

        var result = SigstoreBundleVerifier.Verify(Encoding.UTF8.GetBytes(Bundle), TrustedKeys.From(new KeyRing(other, DateTimeOffset.UnixEpoch, [])));

        Assert.Equal(["unknown-key", "checkpoint-unverified"], result.Failures.Select(f => f.Code));
    }

    /// <summary>
    /// A bundle of a one-entry ledger log whose entry the ledger key signed, then that signature in another byte form
    /// (tcId 6's transformation and its relatives) in both the envelope and the leaf, as a second bundle of the same
    /// entry would carry it: the signature itself is refused, whatever the log says.
    /// </summary>
    [Theory]
    [MemberData(nameof(DerFormsOfTheSignature))]
    public void Bundle_of_a_ledger_entry_with_its_signature_in_another_DER_form_is_refused(string form)
    {
        using var key = LedgerSigningKey.Generate();
        var log = new AuditLog(key, 1);
        var sealedEnvelope = log.Entries[0].Envelope;
        byte[] strict = DerForms.SignWithHighS(key, Pae.Encode(sealedEnvelope.PayloadType, sealedEnvelope.Payload));
        DsseEnvelope WithSignature(byte[] sig) => sealedEnvelope with { Signatures = [sealedEnvelope.Signatures[0] with { Sig = sig }] };
        var good = WithSignature(strict);
        byte[] leaf = LeafBody.Build(good, key.PublicKey);
        byte[] root = MerkleHash.Leaf(leaf);
        string note = CheckpointNotes.Sign(new Checkpoint(AuditLog.Origin, 1, root, []), key);
        byte[] BundleOf(DsseEnvelope envelope) => SigstoreBundle.Write(
            envelope, key.KeyId, new TlogEntry(0, key.PublicKey.SpkiDer, LeafBody.Build(envelope, key.PublicKey), 1, root, [], note));

        var valid = SigstoreBundleVerifier.Verify(BundleOf(good), log.Trusted);
        var refused = SigstoreBundleVerifier.Verify(BundleOf(WithSignature(DerForms.Apply(form, strict))), log.Trusted);

        Assert.True(valid.IsValid, string.Join("; ", valid.Failures.Select(f => f.Message)));
        var failure = Assert.Single(refused.Failures, f => f.Code == EntryFailureCodes.BadSignature);
        Assert.Contains("not in the one DER form", failure.Message, StringComparison.Ordinal);
    }
}
