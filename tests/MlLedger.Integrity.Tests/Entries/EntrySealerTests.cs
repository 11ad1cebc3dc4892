using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Tests.Entries;

public sealed class EntrySealerTests : IDisposable
{
    private const string PreviousHash = "9d4452fa1e40d5c4e5ef6817c8b5056ddd0461363cbbfcc667549b1f4a4014e2";

    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();
    private readonly EntrySealer _sealer;

    public EntrySealerTests() => _sealer = new EntrySealer(new KeyRing(_key, StreamBuilder.T0, []));

    public void Dispose() => _key.Dispose();

    private static UnsignedEntry Entry(JsonObject data, DateTimeOffset occurredAt, string? previous = PreviousHash, long version = 2) => new(
        "DatasetCheckRecorded",
        data,
        new StatementSubject("datasets/churn-train@3", StreamBuilder.Digest),
        new EntryMetadata("churn-train@3", version, previous, "alice@example.com", occurredAt));

    [Fact]
    public void Seal_writes_the_statement_byte_for_byte()
    {
        var data = new JsonObject { ["check"] = "pii-scan", ["result"] = "passed" };
        var occurredAt = new DateTimeOffset(2026, 3, 4, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);

        var entry = _sealer.Seal(Entry(data, occurredAt));

        Assert.Equal(
            "{\"_type\":\"https://in-toto.io/Statement/v1\","
            + "\"subject\":[{\"name\":\"datasets/churn-train@3\",\"digest\":{\"sha256\":\"" + StreamBuilder.Digest + "\"}}],"
            + "\"predicateType\":\"https://mlledger.dev/events/DatasetCheckRecorded/v1\","
            + "\"predicate\":{\"eventType\":\"DatasetCheckRecorded\",\"event\":{\"check\":\"pii-scan\",\"result\":\"passed\"},"
            + "\"ledger\":{\"streamId\":\"churn-train@3\",\"streamVersion\":2,\"previousEntryHash\":\"" + PreviousHash + "\","
            + "\"actor\":\"alice@example.com\",\"occurredAt\":\"2026-03-04T05:08:09.1234567+00:00\"}}}",
            Encoding.UTF8.GetString(entry.Envelope.Payload));
    }

    [Fact]
    public void Seal_writes_json_null_when_there_is_no_previous_entry()
    {
        var entry = _sealer.Seal(Entry([], StreamBuilder.T0, previous: null, version: 1));

        var ledger = InTotoStatement.Parse(entry.Envelope.Payload).Predicate["ledger"]!.AsObject();
        Assert.True(ledger.TryGetPropertyValue("previousEntryHash", out var previous));
        Assert.Null(previous);
    }

    [Fact]
    public void Seal_signs_the_pae_with_the_active_key_in_DER_form()
    {
        var entry = _sealer.Seal(Entry([], StreamBuilder.T0));

        var signature = Assert.Single(entry.Envelope.Signatures);
        Assert.Equal(InTotoStatement.PayloadType, entry.Envelope.PayloadType);
        Assert.Equal(_key.KeyId, signature.KeyId);
        Assert.Equal(_key.KeyId, entry.KeyId);
        Assert.True(_key.PublicKey.VerifyDer(Pae.Encode(InTotoStatement.PayloadType, entry.Envelope.Payload), signature.Sig));
    }

    [Fact]
    public void Seal_returns_the_leaf_and_its_hash()
    {
        var entry = _sealer.Seal(Entry([], StreamBuilder.T0));

        Assert.Equal(LeafBody.Build(entry.Envelope, _key.PublicKey), entry.LeafBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(entry.LeafBytes)), entry.Hash);
    }

    [Fact]
    public void Seal_does_not_reparent_or_change_the_callers_event_data()
    {
        var data = new JsonObject { ["a"] = 1 };

        _sealer.Seal(Entry(data, StreamBuilder.T0));

        Assert.Null(data.Parent);
        Assert.Equal("""{"a":1}""", data.ToJsonString());
        _ = new JsonObject { ["reused"] = data };
    }

    [Fact]
    public void Seal_refuses_an_entry_that_occurred_before_the_active_key_was_valid()
    {
        var error = Assert.Throws<ArgumentException>(() => _sealer.Seal(Entry([], StreamBuilder.T0.AddTicks(-1))));

        Assert.Contains("never verify", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(2L, "ABC")]
    [InlineData(2L, "9D4452FA1E40D5C4E5EF6817C8B5056DDD0461363CBBFCC667549B1F4A4014E2")]
    public void Seal_refuses_malformed_metadata(long version, string? previous) =>
        Assert.Throws<ArgumentException>(() => _sealer.Seal(Entry([], StreamBuilder.T0, previous, version)));

    [Theory]
    [InlineData("")]
    [InlineData("Dataset Registered")]
    [InlineData("a/b")]
    public void Seal_refuses_event_types_that_do_not_fit_a_predicate_type(string eventType) =>
        Assert.Throws<ArgumentException>(() => _sealer.Seal(Entry([], StreamBuilder.T0) with { EventType = eventType }));
}
