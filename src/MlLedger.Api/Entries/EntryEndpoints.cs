using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Entries;

public sealed record EntrySignature(string Keyid, string Sig);
public sealed record EnvelopeView(string PayloadType, string Payload, IReadOnlyList<EntrySignature> Signatures);
public sealed record EntryView(long Seq, string StreamId, long StreamVersion, string EventType, string? KeyId, string? Hash,
    EnvelopeView? Envelope, JsonNode? Event, DateTimeOffset StoredAt);
public sealed record KeyView(string KeyId, string Algorithm, string Pem, string Status, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil);
public sealed record KeysView(IReadOnlyList<KeyView> Keys);

internal static class EntryEndpoints
{
    public static void MapEntries(this WebApplication app)
    {
        app.MapGet("/v1/entries", ListingEntries.Handle).RequireAuthorization(LedgerPolicies.Read)
            .Produces<Page<EntrySummary>>().ProducesValidationProblem()
            .WithSummary("The audit trail, newest first: each entry's sequence number, signed time, event type, actor, stream and hash; " +
                         "by stream, type, actor and time (from inclusive, to exclusive). Keyset-paged: limit (default 50, max 500) and cursor.");
        app.MapGet("/v1/entries/{seq:long}", GetEntry).RequireAuthorization(LedgerPolicies.Read).Refuses(404)
            .WithSummary("One ledger entry: its DSSE envelope exactly as signed, the key id and the entry hash.");
        app.MapGet("/v1/keys", GetKeys).RequireAuthorization(LedgerPolicies.Read)
            .WithSummary("The ledger's public keys (PEM), active and retired, with validity windows.");
        app.MapPost("/v1/keys/rotation", Keys.Rotating.Handle).RequireAuthorization(LedgerPolicies.Administer)
            .WithSummary("Replace the ledger's signing key with a fresh one; recorded as LedgerKeyRotated, signed by the key it retires.");
        app.MapGet("/v1/verification/streams", VerifyingStreams.Handle).RequireAuthorization(LedgerPolicies.Audit).CapConcurrency()
            .Produces<StreamsVerificationReport>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Verify one stream (?stream=, every entry listed) or every stream (failures and totals) against the key ring: " +
                         "signatures, chain links and stored data.");
    }

    private static async Task<Results<Ok<EntryView>, ProblemHttpResult>> GetEntry(long seq, LedgerDatabase database, CancellationToken ct)
    {
        var row = await database.ReadEntry(seq, ct);
        if (row is null)
        {
            return Problems.NotFound($"Entry {seq}");
        }

        var envelope = LedgerDatabase.ToStoredEntry(row)?.Envelope;
        return TypedResults.Ok(new EntryView(row.Seq, row.StreamKey, row.Version, row.EventType, row.KeyId, row.Hash,
            envelope is null ? null : View(envelope), JsonNode.Parse(row.DataJson), row.StoredAt));
    }

    private static Ok<KeysView> GetKeys(KeyRing ring) =>
        TypedResults.Ok(new KeysView(ring.Keys.Select(k => new KeyView(
            k.Key.KeyId, "ECDSA_P256_SHA256", k.Key.Pem, k.Status.ToString().ToLowerInvariant(), k.ValidFrom, k.ValidUntil)).ToList()));

    private static EnvelopeView View(DsseEnvelope envelope) =>
        new(envelope.PayloadType, Convert.ToBase64String(envelope.Payload),
            envelope.Signatures.Select(s => new EntrySignature(s.KeyId, Convert.ToBase64String(s.Sig))).ToList());
}
