using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Tests.Entries;

namespace MlLedger.Integrity.Tests.Audit;

public sealed class TrustedRootReadTests : IDisposable
{
    private static readonly DateTimeOffset RotatedAt = StreamBuilder.T0.AddDays(30);

    private readonly LedgerSigningKey _old = LedgerSigningKey.Generate();
    private readonly LedgerSigningKey _new = LedgerSigningKey.Generate();

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
    }

    [Fact]
    public void Written_root_reads_back_every_key_with_its_window()
    {
        var ring = new KeyRing(_new, RotatedAt, [new KeyRingEntry(_old.PublicKey, KeyStatus.Retired, StreamBuilder.T0, RotatedAt)]);

        var trusted = TrustedRoot.Read(TrustedRoot.Write("https://ledger.example", ring.Keys));

        Assert.Equal(
            ring.Keys.OrderBy(k => k.ValidFrom).Select(k => (k.Key.KeyId, k.Status, k.ValidFrom, k.ValidUntil)),
            trusted.All.Select(k => (k.Key.KeyId, k.Status, k.ValidFrom, k.ValidUntil)));
    }

    [Fact]
    public void A_window_ending_mid_second_keeps_its_full_precision()
    {
        // a rotation at 12:00:00.7512345: entries the old key signed at 12:00:00.5 must stay inside its window
        var switchAt = RotatedAt.AddTicks(7_512_345);
        var ring = new KeyRing(_new, switchAt, [new KeyRingEntry(_old.PublicKey, KeyStatus.Retired, StreamBuilder.T0, switchAt)]);

        var written = System.Text.Encoding.UTF8.GetString(TrustedRoot.Write("https://ledger.example", ring.Keys));
        var trusted = TrustedRoot.Read(written);

        Assert.Contains(".751234500Z", written, StringComparison.Ordinal);
        Assert.Equal(switchAt, trusted.Find(_old.KeyId)!.ValidUntil);
        Assert.True(trusted.Find(_old.KeyId)!.IsValidAt(switchAt.AddMilliseconds(-1)));
    }

    [Fact]
    public void Non_p256_key_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var root = Root();
        var key = root["tlogs"]![0]!["publicKey"]!;
        key["rawBytes"] = Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo());
        root["tlogs"]![0]!.AsObject().Remove("logId");

        var bytesOfP384 = Assert.Throws<FormatException>(() => TrustedRoot.Read(root.ToJsonString()));
        key["keyDetails"] = "PKIX_ECDSA_P384_SHA_384";
        var declaredP384 = Assert.Throws<FormatException>(() => TrustedRoot.Read(root.ToJsonString()));

        Assert.Contains("not a P-256 public key", bytesOfP384.Message, StringComparison.Ordinal);
        Assert.Contains("only PKIX_ECDSA_P256_SHA_256", declaredP384.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Root_without_keys_is_refused()
    {
        var root = Root();
        root["tlogs"] = new JsonArray();

        var error = Assert.Throws<FormatException>(() => TrustedRoot.Read(root.ToJsonString()));

        Assert.Contains("no transparency-log key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"mediaType\":\"application/json\",\"tlogs\":[]}")]
    [InlineData("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"mediaType\":\"x\",\"tlogs\":[]}")]
    [InlineData("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}")]
    public void Malformed_root_is_refused(string json) => Assert.Throws<FormatException>(() => TrustedRoot.Read(json));

    [Theory]
    [InlineData("logId", "keyId", "AAAA")]
    [InlineData("publicKey", "rawBytes", "not base64")]
    [InlineData("validFor", "start", "yesterday")]
    [InlineData("validFor", "end", "2025-01-01T00:00:00Z")]
    public void Malformed_key_is_refused_naming_the_field(string parent, string field, string value)
    {
        var root = Root();
        var tlog = root["tlogs"]![0]!;
        var target = parent == "validFor" ? tlog["publicKey"]!["validFor"]! : tlog[parent]!;
        target[field] = value;

        var error = Assert.Throws<FormatException>(() => TrustedRoot.Read(root.ToJsonString()));

        Assert.Contains("tlogs[0]", error.Message, StringComparison.Ordinal);
    }

    private JsonNode Root() => JsonNode.Parse(TrustedRoot.Write("https://ledger.example", new KeyRing(_old, StreamBuilder.T0, []).Keys))!;
}
