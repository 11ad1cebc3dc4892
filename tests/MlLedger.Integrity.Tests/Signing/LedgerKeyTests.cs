using System.Security.Cryptography;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Signing;

public sealed class LedgerKeyTests
{
    private static readonly byte[] Message = "DSSEv1 4 type 4 body"u8.ToArray();

    [Fact]
    public void KeyId_of_dsse_vector_spki_is_lowercase_hex_sha256()
    {
        byte[] spki = Convert.FromBase64String(
            VectorFiles.Dsse.GetProperty("signature").GetProperty("publicKeySpkiDerBase64_DERIVED").GetString()!);

        // Expected value: Python hashlib.sha256(spki).hexdigest().
        Assert.Equal("f793580060562d6ff075d814ea698c282fcc779b0cde64d79ffc6301df00d14b", KeyIds.FromSpki(spki));
        Assert.Equal(KeyIds.FromSpki(spki), LedgerPublicKey.FromSpki(spki).KeyId);
    }

    [Fact]
    public void KeyId_of_sigstore_signer_equals_its_bundle_public_key_hint()
    {
        var key = LedgerPublicKey.FromPem(VectorFiles.Text("signer_public.pem"));
        string hint = VectorFiles.DsseBundle.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString()!;

        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(hint)), key.KeyId);
    }

    [Fact]
    public void Public_pem_round_trips_byte_for_byte()
    {
        string pem = VectorFiles.Dsse.GetProperty("signature").GetProperty("publicKeyPem_DERIVED").GetString()!;

        var key = LedgerPublicKey.FromPem(pem);

        Assert.Equal(pem, key.Pem);
        Assert.Equal(key.SpkiDer, LedgerPublicKey.FromPem(key.Pem).SpkiDer);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", key.Pem, StringComparison.Ordinal);
        Assert.EndsWith("-----END PUBLIC KEY-----\n", key.Pem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pkcs8_pem_round_trips_the_same_key()
    {
        using var original = LedgerSigningKey.Generate();
        string pem = original.ExportPkcs8Pem();

        using var loaded = LedgerSigningKey.FromPem(pem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.EndsWith("-----END PRIVATE KEY-----\n", pem, StringComparison.Ordinal);
        Assert.Equal(original.KeyId, loaded.KeyId);
        Assert.Equal(pem, loaded.ExportPkcs8Pem());
        Assert.True(original.PublicKey.VerifyDer(Message, loaded.SignDer(Message)));
    }

    [Fact]
    public void Sec1_ec_private_key_pem_is_accepted()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = LedgerSigningKey.FromPem(ecdsa.ExportECPrivateKeyPem());

        Assert.Equal(KeyIds.FromSpki(ecdsa.ExportSubjectPublicKeyInfo()), key.KeyId);
    }

    [Fact]
    public void Generate_sign_verify_round_trip()
    {
        using var key = LedgerSigningKey.Generate();

        byte[] signature = key.SignDer(Message);

        Assert.Equal(0x30, signature[0]); // ASN.1 DER SEQUENCE, not raw r||s
        Assert.True(key.PublicKey.VerifyDer(Message, signature));
        Assert.False(key.PublicKey.VerifyDer([.. Message, 0x00], signature));
        Assert.Equal(KeyIds.FromSpki(key.PublicKey.SpkiDer), key.KeyId);
    }

    [Fact]
    public void Signature_by_key_A_does_not_verify_under_key_B()
    {
        using var a = LedgerSigningKey.Generate();
        using var b = LedgerSigningKey.Generate();

        Assert.NotEqual(a.KeyId, b.KeyId);
        Assert.False(b.PublicKey.VerifyDer(Message, a.SignDer(Message)));
    }

    [Fact]
    public void Public_key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ArgumentException>(() => LedgerPublicKey.FromPem(p384.ExportSubjectPublicKeyInfoPem()));
        Assert.Contains("P-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rsa_public_key_is_refused()
    {
        using var rsa = RSA.Create(2048);

        Assert.Throws<ArgumentException>(() => LedgerPublicKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void Private_key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ArgumentException>(() => LedgerSigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
        Assert.Contains("P-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_pem_labels_are_refused()
    {
        using var key = LedgerSigningKey.Generate();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string encrypted = ecdsa.ExportEncryptedPkcs8PrivateKeyPem(
            "pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1));

        Assert.Throws<ArgumentException>(() => LedgerPublicKey.FromPem(key.ExportPkcs8Pem()));
        Assert.Throws<ArgumentException>(() => LedgerSigningKey.FromPem(key.PublicKey.Pem));
        Assert.Throws<ArgumentException>(() => LedgerSigningKey.FromPem(encrypted));
        Assert.Throws<ArgumentException>(() => LedgerPublicKey.FromPem("no pem here"));
    }

    [Fact]
    public void Spki_with_trailing_bytes_is_refused()
    {
        using var key = LedgerSigningKey.Generate();

        Assert.Throws<ArgumentException>(() => LedgerPublicKey.FromSpki([.. key.PublicKey.SpkiDer, 0x00]));
    }

    [Fact]
    public void Disposed_signing_key_refuses_to_sign()
    {
        var key = LedgerSigningKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.SignDer(Message));
    }
}
