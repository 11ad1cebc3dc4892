using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Tests.Signing;
using static MlLedger.Integrity.Entries.EntryFailureCodes;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>Corruptions of the signed envelope: payload, payload type, signatures and key id hints.</summary>
public sealed class EnvelopeCorruptionTests : CorruptedStream
{
    public static TheoryData<string> DerFormsOfTheSignature => DerForms.Rows;
    [Fact]
    public void Uncorrupted_stream_is_valid() => Assert.True(Verify().IsValid);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 5)]
    [InlineData(40, 1)]
    [InlineData(150, 3)]
    [InlineData(300, 6)]
    [InlineData(-2, 7)]
    [InlineData(-1, 0)]
    public void Tampered_payload_bit_flip_is_rejected(int byteIndex, int bit)
    {
        CorruptLastEnvelope(e =>
        {
            byte[] payload = (byte[])e.Payload.Clone();
            int at = byteIndex < 0 ? payload.Length + byteIndex : byteIndex;
            payload[at] ^= (byte)(1 << bit);
            return e with { Payload = payload };
        });

        var result = Verify();

        Assert.False(result.IsValid);
        Assert.Equal(BadSignature, Codes(result.Entries[Last])[0]);
        Assert.True(result.Entries[0].IsValid && result.Entries[1].IsValid);
    }

    [Fact]
    public void Changed_payload_type_is_rejected()
    {
        CorruptLastEnvelope(e => e with { PayloadType = "application/json" });

        AssertOnlyRejected(Verify(), Last, BadSignature, PayloadType);
    }

    [Fact]
    public void Signature_from_an_untrusted_key_with_its_own_keyid_is_rejected()
    {
        CorruptLastSignature(_ => new DsseSignature(Stranger.KeyId, Stranger.SignDer(Pae.Encode(LastEnvelope.PayloadType, LastEnvelope.Payload))));

        AssertOnlyRejected(Verify(), Last, UnknownKey);
    }

    [Fact]
    public void Signature_from_another_key_with_the_original_keyid_is_rejected()
    {
        CorruptLastSignature(s => s with { Sig = Stranger.SignDer(Pae.Encode(LastEnvelope.PayloadType, LastEnvelope.Payload)) });

        AssertOnlyRejected(Verify(), Last, BadSignature);
    }

    [Fact]
    public void Truncated_signature_is_rejected()
    {
        CorruptLastSignature(s => s with { Sig = s.Sig[..^1] });

        AssertOnlyRejected(Verify(), Last, BadSignature);
    }

    [Fact]
    public void Empty_signature_is_rejected()
    {
        CorruptLastSignature(s => s with { Sig = [] });

        AssertOnlyRejected(Verify(), Last, BadSignature);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Signature_bit_flip_is_rejected(int byteIndex)
    {
        CorruptLastSignature(s =>
        {
            byte[] sig = (byte[])s.Sig.Clone();
            sig[byteIndex < 0 ? sig.Length + byteIndex : byteIndex] ^= 0x01;
            return s with { Sig = sig };
        });

        AssertOnlyRejected(Verify(), Last, BadSignature);
    }

    /// <summary>
    /// The entry's own signature by the ledger key, re-encoded: Wycheproof tcId 6's transformation (s without its
    /// leading zero byte) and the other byte forms of the same r and s in <see cref="DerForms"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(DerFormsOfTheSignature))]
    public void Signature_in_another_DER_form_is_rejected(string form)
    {
        byte[] strict = DerForms.SignWithHighS(Key, Pae.Encode(LastEnvelope.PayloadType, LastEnvelope.Payload));
        CorruptLastSignature(s => s with { Sig = strict });
        Assert.True(Verify().IsValid);

        CorruptLastSignature(s => s with { Sig = DerForms.Apply(form, strict) });
        var result = Verify();

        AssertOnlyRejected(result, Last, BadSignature);
        Assert.StartsWith("Signature is not in the one DER form", result.Entries[Last].Failures[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deadbeef")]
    [InlineData("")]
    public void Unknown_keyid_hint_is_rejected(string keyId)
    {
        CorruptLastSignature(s => s with { KeyId = keyId });

        AssertOnlyRejected(Verify(), Last, UnknownKey);
    }

    [Fact]
    public void Keyid_of_another_trusted_key_is_rejected()
    {
        var trusted = new TrustedKeys([Ring.Keys[0], new KeyRingEntry(Stranger.PublicKey, KeyStatus.Active, StreamBuilder.T0, null)]);
        CorruptLastSignature(s => s with { KeyId = Stranger.KeyId });

        AssertOnlyRejected(Verify(trusted), Last, BadSignature);
    }

    [Fact]
    public void Extra_signature_is_rejected()
    {
        CorruptLastEnvelope(e => e with { Signatures = [e.Signatures[0], new DsseSignature(Stranger.KeyId, Stranger.SignDer(Pae.Encode(e.PayloadType, e.Payload)))] });

        AssertOnlyRejected(Verify(), Last, SignatureCount);
    }

    [Fact]
    public void Duplicated_signature_is_rejected()
    {
        CorruptLastEnvelope(e => e with { Signatures = [e.Signatures[0], e.Signatures[0]] });

        AssertOnlyRejected(Verify(), Last, SignatureCount);
    }

    [Fact]
    public void Zero_signatures_are_rejected()
    {
        CorruptLastEnvelope(e => e with { Signatures = [] });

        AssertOnlyRejected(Verify(), Last, SignatureCount);
    }

    [Fact]
    public void Payload_type_that_is_not_valid_unicode_is_rejected_without_throwing()
    {
        CorruptLastEnvelope(e => e with { PayloadType = "application/vnd.in-toto+json\uD800" });

        AssertOnlyRejected(Verify(), Last, BadSignature, PayloadType);
    }

    [Fact]
    public void Statement_with_invalid_utf8_is_rejected_without_throwing()
    {
        byte[] payload = [.. LastEnvelope.Payload];
        payload[^6] = 0xff; // inside the occurredAt string
        CorruptLastEnvelope(e => e with { Payload = payload, Signatures = [e.Signatures[0] with { Sig = Key.SignDer(Pae.Encode(e.PayloadType, payload)) }] });

        AssertOnlyRejected(Verify(), Last, MalformedStatement);
    }

    [Fact]
    public void Malformed_statement_is_rejected()
    {
        byte[] payload = "{\"_type\":\"https://in-toto.io/Statement/v1\"}"u8.ToArray();
        CorruptLastEnvelope(e => e with { Payload = payload, Signatures = [e.Signatures[0] with { Sig = Key.SignDer(Pae.Encode(e.PayloadType, payload)) }] });

        AssertOnlyRejected(Verify(), Last, MalformedStatement);
    }
}
