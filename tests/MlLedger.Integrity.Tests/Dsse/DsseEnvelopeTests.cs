using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Tests.Dsse;

public sealed class DsseEnvelopeTests
{
    private static readonly DsseEnvelope Sample = new(
        "application/vnd.in-toto+json",
        "hello world"u8.ToArray(),
        [new DsseSignature("66301bbf", [0xfb, 0xff, 0x01])]);

    private const string SampleJson =
        """{"payload":"aGVsbG8gd29ybGQ=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"66301bbf","sig":"+/8B"}]}""";

    [Fact]
    public void ToJson_is_compact_with_fixed_key_order_and_unescaped_plus() => Assert.Equal(SampleJson, Sample.ToJson());

    [Fact]
    public void Parse_reads_back_what_ToJson_wrote()
    {
        var parsed = DsseEnvelope.Parse(Sample.ToJson());

        Assert.Equal(Sample.PayloadType, parsed.PayloadType);
        Assert.Equal(Sample.Payload, parsed.Payload);
        var signature = Assert.Single(parsed.Signatures);
        Assert.Equal("66301bbf", signature.KeyId);
        Assert.Equal(new byte[] { 0xfb, 0xff, 0x01 }, signature.Sig);
        Assert.Equal(SampleJson, parsed.ToJson());
    }

    [Fact]
    public void Parse_accepts_any_key_order_and_unknown_properties()
    {
        var parsed = DsseEnvelope.Parse(
            """{"signatures":[{"sig":"+/8B","keyid":"k","extension":{}}],"payloadType":"t","payload":"aGVsbG8gd29ybGQ=","x":1}""");

        Assert.Equal("t", parsed.PayloadType);
        Assert.Equal("k", parsed.Signatures[0].KeyId);
    }

    [Fact]
    public void Parse_reads_missing_keyid_as_empty_hint()
    {
        var vector = VectorFiles.Dsse.GetProperty("realSigstore")[1].GetProperty("envelope");

        var parsed = DsseEnvelope.Parse(vector.GetRawText());

        Assert.Equal("hello, world!"u8.ToArray(), parsed.Payload);
        Assert.Equal(string.Empty, Assert.Single(parsed.Signatures).KeyId);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""[]""", "must be a JSON object")]
    [InlineData("""{"payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "no \"payload\"")]
    [InlineData("""{"payload":1,"payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload must be a string")]
    [InlineData("""{"payload":"not base64!","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload is not standard padded base64")]
    [InlineData("""{"payload":"AQ","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload is not standard padded base64")]
    [InlineData("""{"payload":"-_8=","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload is not standard padded base64")]
    [InlineData("""{"payload":"AQ==\n","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload is not standard padded base64")]
    [InlineData("""{"payload":"AR==","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "payload is not standard padded base64")]
    [InlineData("""{"payload":"AQ==","signatures":[{"sig":"AQ=="}]}""", "no \"payloadType\"")]
    [InlineData("""{"payload":"AQ==","payloadType":null,"signatures":[{"sig":"AQ=="}]}""", "payloadType must be a string")]
    [InlineData("""{"payload":"AQ==","payloadType":"t"}""", "no \"signatures\" property")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":{}}""", "\"signatures\" must be an array")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":[]}""", "has no signatures")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":["AQ=="]}""", "signatures[0] must be a JSON object")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":[{"keyid":"k"}]}""", "signatures[0] has no \"sig\"")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":[{"sig":"AQ=="},{"sig":"%%"}]}""", "signatures[1].sig is not standard padded base64")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":[{"sig":"AQ==","keyid":7}]}""", "signatures[0].keyid must be a string")]
    [InlineData("""{"payload":"AQ==","payload":"Ag==","payloadType":"t","signatures":[{"sig":"AQ=="}]}""", "not valid JSON")]
    [InlineData("""{"payload":"AQ==","payloadType":"t\ud800","signatures":[{"sig":"AQ=="}]}""", "payloadType is not a valid string")]
    [InlineData("""{"payload":"AQ==","payloadType":"t","signatures":[{"sig":"AQ==","keyid":"\udc00"}]}""", "keyid is not a valid string")]
    public void Parse_rejects_malformed_envelope(string json, string expectedMessage)
    {
        var error = Assert.Throws<DsseFormatException>(() => DsseEnvelope.Parse(json));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
