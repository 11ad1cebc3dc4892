using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Dsse;

/// <summary>The DSSE protocol.md ECDSA P-256 vector (dsse.json "signature").</summary>
public sealed class DsseSpecSignatureTests
{
    private static readonly JsonElement Vector = VectorFiles.Dsse.GetProperty("signature");

    private static byte[] SpecPae => Encoding.UTF8.GetBytes(Vector.GetProperty("paeUtf8").GetString()!);

    private static byte[] DerSignature => Convert.FromBase64String(Vector.GetProperty("signatureDerBase64_DERIVED").GetString()!);

    private static byte[] DerivedSpki => Convert.FromBase64String(Vector.GetProperty("publicKeySpkiDerBase64_DERIVED").GetString()!);

    private static byte[] SpkiFromXY()
    {
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Convert.FromHexString(Vector.GetProperty("publicKeyX_hex").GetString()!),
                Y = Convert.FromHexString(Vector.GetProperty("publicKeyY_hex").GetString()!),
            },
        });
        return key.ExportSubjectPublicKeyInfo();
    }

    [Fact]
    public void Envelope_pae_matches_vector()
    {
        var envelope = DsseEnvelope.Parse(Vector.GetProperty("envelope").GetRawText());

        Assert.Equal(SpecPae, Pae.Encode(envelope.PayloadType, envelope.Payload));
        Assert.Equal("66301bbf", envelope.Signatures[0].KeyId);
    }

    [Fact]
    public void Key_built_from_X_Y_has_the_derived_spki() => Assert.Equal(DerivedSpki, SpkiFromXY());

    [Fact]
    public void Spec_signature_in_DER_form_verifies_with_key_built_from_X_Y()
    {
        var key = LedgerPublicKey.FromSpki(SpkiFromXY());

        Assert.True(key.VerifyDer(SpecPae, DerSignature));
    }

    [Fact]
    public void Spec_signature_in_DER_form_verifies_with_derived_spki_and_pem()
    {
        Assert.True(LedgerPublicKey.FromSpki(DerivedSpki).VerifyDer(SpecPae, DerSignature));
        Assert.True(LedgerPublicKey.FromPem(Vector.GetProperty("publicKeyPem_DERIVED").GetString()!).VerifyDer(SpecPae, DerSignature));
    }

    [Fact]
    public void Spec_signature_in_raw_r_s_form_verifies_with_ECDsa()
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SpkiFromXY(), out _);
        byte[] raw = Convert.FromBase64String(Vector.GetProperty("signatureRawRSBase64").GetString()!);

        Assert.Equal(64, raw.Length);
        Assert.True(key.VerifyData(SpecPae, raw, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Spec_signature_does_not_verify_over_another_payload()
    {
        var key = LedgerPublicKey.FromSpki(DerivedSpki);

        Assert.False(key.VerifyDer(Pae.Encode("http://example.com/HelloWorld", "hello world!"u8), DerSignature));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(69)]
    public void Spec_signature_bit_flip_is_rejected(int byteIndex)
    {
        var key = LedgerPublicKey.FromSpki(DerivedSpki);
        byte[] signature = DerSignature;
        signature[byteIndex] ^= 0x01;

        Assert.False(key.VerifyDer(SpecPae, signature));
    }

    [Fact]
    public void Malformed_signatures_are_rejected_without_throwing()
    {
        var key = LedgerPublicKey.FromSpki(DerivedSpki);
        byte[] raw = Convert.FromBase64String(Vector.GetProperty("signatureRawRSBase64").GetString()!);

        Assert.False(key.VerifyDer(SpecPae, []));
        Assert.False(key.VerifyDer(SpecPae, raw));
        Assert.False(key.VerifyDer(SpecPae, DerSignature.AsSpan(..^1)));
        Assert.False(key.VerifyDer(SpecPae, [.. DerSignature, 0x00]));
        Assert.False(key.VerifyDer(SpecPae, [0x30, 0xff, 0x02]));
    }

    [Fact]
    public void Signing_key_from_spec_scalar_has_the_public_key_of_the_vector()
    {
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Convert.FromHexString(Vector.GetProperty("privateKeyD_hex").GetString()!),
        });
        using var key = LedgerSigningKey.FromPem(ecdsa.ExportPkcs8PrivateKeyPem());

        Assert.Equal(DerivedSpki, key.PublicKey.SpkiDer);
        Assert.True(key.PublicKey.VerifyDer(SpecPae, key.SignDer(SpecPae)));
    }
}
