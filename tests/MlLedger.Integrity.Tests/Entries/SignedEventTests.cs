using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>Reading the event an entry's signature covers, as an object model and straight into a type.</summary>
public sealed class SignedEventTests
{
    private sealed record Checked(string Check, string Result, int RowCount);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static DsseEnvelope Sealed(JsonObject data)
    {
        using var key = LedgerSigningKey.Generate();
        var sealer = new EntrySealer(new KeyRing(key, StreamBuilder.T0, []));
        return sealer.Seal(new UnsignedEntry("DatasetCheckRecorded", data, new StatementSubject("datasets/d@1", StreamBuilder.Digest),
            new EntryMetadata("datasets/d@1", 3, null, "ci-bot", StreamBuilder.T0))).Envelope;
    }

    private static DsseEnvelope WithPayload(string json) =>
        new(InTotoStatement.PayloadType, Encoding.UTF8.GetBytes(json), [new DsseSignature("k", [1])]);

    private static Type? Types(string name) => name == "DatasetCheckRecorded" ? typeof(Checked) : null;

    [Fact]
    public void The_typed_read_gives_what_the_object_model_gives()
    {
        var envelope = Sealed(new JsonObject { ["check"] = "pii-scan", ["result"] = "passed", ["rowCount"] = 1001 });

        var model = SignedEvent.Read(envelope);
        var (data, info) = SignedEvent.ReadTyped(envelope, Types, Web);

        Assert.Equal(new Checked("pii-scan", "passed", 1001), data);
        Assert.Equal((model.EventType, model.StreamId, model.StreamVersion, model.Actor, model.OccurredAt),
            (info.EventType, info.StreamId, info.StreamVersion, info.Actor, info.OccurredAt));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v0.1","predicate":{}}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","predicate":{"eventType":"DatasetCheckRecorded","event":{},"ledger":{"streamId":"s","streamVersion":1,"actor":"a","occurredAt":"yesterday"}}}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","predicate":{"eventType":"Unknown","event":{},"ledger":{"streamId":"s","streamVersion":1,"actor":"a","occurredAt":"2026-01-01T00:00:00.0000000+00:00"}}}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","predicate":{"eventType":"DatasetCheckRecorded","event":{"check":"a","check":"b"},"ledger":{"streamId":"s","streamVersion":1,"actor":"a","occurredAt":"2026-01-01T00:00:00.0000000+00:00"}}}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","predicate":{"eventType":"DatasetCheckRecorded","event":{"rowCount":"many"},"ledger":{"streamId":"s","streamVersion":1,"actor":"a","occurredAt":"2026-01-01T00:00:00.0000000+00:00"}}}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","predicate":{"eventType":"DatasetCheckRecorded","event":{},"ledger":{"streamId":"s","actor":"a","occurredAt":"2026-01-01T00:00:00.0000000+00:00"}}}""")]
    public void A_payload_that_is_not_a_ledger_statement_is_refused(string payload) =>
        Assert.Throws<StatementFormatException>(() => SignedEvent.ReadTyped(WithPayload(payload), Types, Web));
}
