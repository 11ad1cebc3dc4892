using System.Text;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>sigstore_compat/bundle.dsse.v0.3.json: its canonicalizedBody is the leaf a Sigstore verifier accepts.</summary>
public sealed class LeafBodyTests
{
    private static DsseEnvelope VectorEnvelope => DsseEnvelope.Parse(VectorFiles.DsseBundle.GetProperty("dsseEnvelope").GetRawText());

    private static LedgerPublicKey VectorSigner => LedgerPublicKey.FromPem(VectorFiles.Text("signer_public.pem"));

    private static byte[] CanonicalizedBody => Convert.FromBase64String(VectorFiles.DsseBundle
        .GetProperty("verificationMaterial").GetProperty("tlogEntries")[0].GetProperty("canonicalizedBody").GetString()!);

    [Fact]
    public void LeafBody_rebuilds_the_sigstore_canonicalized_body_byte_for_byte()
    {
        byte[] leaf = LeafBody.Build(VectorEnvelope, VectorSigner);

        Assert.Equal(Encoding.UTF8.GetString(CanonicalizedBody), Encoding.UTF8.GetString(leaf));
        Assert.Equal(CanonicalizedBody, leaf);
    }

    [Fact]
    public void LeafBody_hash_is_lowercase_hex_sha256_of_the_leaf() =>
        // Expected value: Python hashlib.sha256(base64decode(canonicalizedBody)).hexdigest().
        Assert.Equal("9d4452fa1e40d5c4e5ef6817c8b5056ddd0461363cbbfcc667549b1f4a4014e2", LeafBody.Hash(CanonicalizedBody));

    [Fact]
    public void Vector_envelope_signature_verifies_under_the_vector_signer()
    {
        var envelope = VectorEnvelope;

        Assert.True(VectorSigner.VerifyDer(Pae.Encode(envelope.PayloadType, envelope.Payload), envelope.Signatures[0].Sig));
    }

    [Fact]
    public void LeafBody_changes_when_the_payload_changes()
    {
        var envelope = VectorEnvelope;
        byte[] payload = (byte[])envelope.Payload.Clone();
        payload[0] ^= 0x20;

        Assert.NotEqual(CanonicalizedBody, LeafBody.Build(envelope with { Payload = payload }, VectorSigner));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void LeafBody_refuses_envelopes_without_exactly_one_signature(int count)
    {
        var envelope = VectorEnvelope;
        var signatures = Enumerable.Repeat(envelope.Signatures[0], count).ToList();

        Assert.Throws<ArgumentException>(() => LeafBody.Build(envelope with { Signatures = signatures }, VectorSigner));
    }
}
