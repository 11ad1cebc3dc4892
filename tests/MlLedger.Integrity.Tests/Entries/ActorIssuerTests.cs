using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;
using MlLedger.Integrity.Tests.Audit;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>
/// The actor's token issuer in the signed metadata (<c>predicate.ledger.actorIssuer</c>): recorded when given, absent
/// from entries sealed before issuers were recorded, and both layouts verify side by side, in a stream and in an
/// audit bundle. When present it is a non-empty string; anything else is a malformed statement.
/// </summary>
public sealed class ActorIssuerTests : IDisposable
{
    private const string Issuer = "https://login.example";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly LedgerSigningKey _key = LedgerSigningKey.Generate();

    public void Dispose() => _key.Dispose();

    private sealed record Checked(string Check, string Result, int RowCount);

    private DsseEnvelope Sealed(string? issuer) =>
        new EntrySealer(new KeyRing(_key, StreamBuilder.T0, [])).Seal(new UnsignedEntry("DatasetCheckRecorded",
            new JsonObject { ["check"] = "pii-scan", ["result"] = "passed", ["rowCount"] = 1 },
            new StatementSubject("datasets/d@1", StreamBuilder.Digest),
            new EntryMetadata("datasets/d@1", 3, null, "ci-bot", StreamBuilder.T0) { ActorIssuer = issuer })).Envelope;

    private static JsonObject Ledger(DsseEnvelope envelope) =>
        JsonNode.Parse(envelope.Payload)!["predicate"]!["ledger"]!.AsObject();

    [Fact]
    public void The_issuer_is_signed_beside_the_actor_and_read_back_by_both_readers()
    {
        var envelope = Sealed(Issuer);

        Assert.Equal(["streamId", "streamVersion", "previousEntryHash", "actor", "actorIssuer", "occurredAt"],
            Ledger(envelope).Select(p => p.Key));
        Assert.Equal(Issuer, SignedEvent.Read(envelope).ActorIssuer);
        Assert.Equal(Issuer, SignedEvent.ReadTyped(envelope, _ => typeof(Checked), Web).Info.ActorIssuer);
    }

    [Fact]
    public void Without_an_issuer_the_metadata_keeps_the_earlier_layout_and_reads_as_no_issuer()
    {
        var envelope = Sealed(null);

        Assert.Equal(["streamId", "streamVersion", "previousEntryHash", "actor", "occurredAt"], Ledger(envelope).Select(p => p.Key));
        Assert.Null(SignedEvent.Read(envelope).ActorIssuer);
        Assert.Null(SignedEvent.ReadTyped(envelope, _ => typeof(Checked), Web).Info.ActorIssuer);
    }

    [Fact]
    public void A_stream_of_entries_with_and_without_issuers_verifies()
    {
        var sealer = new EntrySealer(new KeyRing(_key, StreamBuilder.T0, []));
        var stream = new StreamBuilder("churn-train@3")
            .Append(sealer)
            .Append(sealer, tweak: m => m with { ActorIssuer = Issuer })
            .Append(sealer);

        var result = StreamVerifier.Verify("churn-train@3", stream.Stored, TrustedKeys.From(new KeyRing(_key, StreamBuilder.T0, [])));

        Assert.True(result.IsValid, string.Join("; ", result.Entries.SelectMany(e => e.Failures).Select(f => f.Message)));
    }

    [Fact]
    public async Task An_audit_bundle_of_entries_with_and_without_issuers_verifies()
    {
        var log = new AuditLog(_key, 10);
        for (var i = 0; i < 10; i++)
        {
            log.Append($"ds-{i % 3}", Issuer);
        }

        var result = await AuditLog.Verify(log.Bundle(), log.Trusted);

        Assert.True(result.IsValid, string.Join("; ", result.Failures.Select(f => f.Message)));
    }

    [Theory]
    [InlineData("\"actorIssuer\":null,")]
    [InlineData("\"actorIssuer\":\"\",")]
    [InlineData("\"actorIssuer\":42,")]
    [InlineData("\"actorIssuer\":[\"https://login.example\"],")]
    [InlineData("\"actorIssuer\":{},")]
    public void An_issuer_that_is_not_a_non_empty_string_is_a_malformed_statement(string field)
    {
        var payload = """{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"d","digest":{"sha256":"DIGEST"}}],"predicateType":"https://mlledger.dev/events/DatasetCheckRecorded/v1","predicate":{"eventType":"DatasetCheckRecorded","event":{"check":"a","result":"b","rowCount":1},"ledger":{"streamId":"s","streamVersion":1,"previousEntryHash":null,"actor":"a",FIELD"occurredAt":"2026-01-01T00:00:00.0000000+00:00"}}}"""
            .Replace("DIGEST", StreamBuilder.Digest, StringComparison.Ordinal).Replace("FIELD", field, StringComparison.Ordinal);
        var envelope = new DsseEnvelope(InTotoStatement.PayloadType, Encoding.UTF8.GetBytes(payload), [new DsseSignature("k", [1])]);

        Assert.Throws<StatementFormatException>(() => SignedEvent.Read(envelope));
        Assert.Throws<StatementFormatException>(() => SignedEvent.ReadTyped(envelope, _ => typeof(Checked), Web));
    }
}
