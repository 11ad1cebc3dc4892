using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Keys;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Keys;

public sealed record KeyRotationView(string KeyId, string PreviousKeyId, DateTimeOffset ValidFrom, IReadOnlyList<EntryReceipt> Entries);

/// <summary>Where the ledger keeps its keys (the directory of <see cref="LedgerKeyStore"/>).</summary>
public sealed record KeyDirectory(string Path);

/// <summary>
/// <c>POST /v1/keys/rotation</c> (admin): a fresh P-256 key replaces the active one. The change is recorded as a
/// <c>LedgerKeyRotated</c> entry signed by the key being retired; the old key's window ends where the new key's
/// begins, so entries and checkpoints signed before keep verifying, and the trusted root lists both.
/// </summary>
internal static class Rotating
{
    public static async Task<Created<KeyRotationView>> Handle(
        HttpContext http, LedgerKeys keys, KeyDirectory directory, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var actor = LedgerWriter.ActorOf(http.User);
        var view = await keys.RotateExclusiveAsync(current => Rotate(current, actor, directory, store, clock), ct);
        return TypedResults.Created("/v1/keys", view);
    }

    private static async Task<(KeySnapshot, KeyRotationView)> Rotate(
        KeySnapshot current, Actor actor, KeyDirectory directory, IDocumentStore store, TimeProvider clock)
    {
        var next = LedgerSigningKey.Generate();
        var occurredAt = clock.GetUtcNow();
        var switchAt = occurredAt.AddMilliseconds(1); // the rotation entry itself is the old key's last
        var pending = LedgerKeyStore.Prepare(directory.Path, current.Ring, next, switchAt);
        EntryReceipt receipt;
        try
        {
            // once staged, the rotation runs to its end whatever the client does: a commit followed by an abandon
            // would leave an entry naming a key that never signs
            var none = CancellationToken.None;
            await using var session = store.LightweightSession();
            var ledger = new WriteContext(session, current.Sealer, current.Trusted, actor, occurredAt, null, none);
            var stream = await ledger.Fetch<LedgerKeyHistory>(StreamKeys.LedgerKeys);
            var rotated = new LedgerKeyRotated(current.Ring.Active.KeyId, next.KeyId, next.PublicKey.Pem, switchAt, actor.Id);
            await ledger.Append(stream, [rotated], new StatementSubject(StreamKeys.LedgerKeys, next.KeyId));
            await ledger.CommitAsync(new WriteOutcome.Created(next.KeyId, StreamKeys.LedgerKeys, "/v1/keys"), idempotency: null);
            var (_, entry) = ledger.Appended.Single();
            receipt = new EntryReceipt(entry.Sequence, EntryHeaders.Read(entry, EntryHeaders.Hash)!);
        }
        catch
        {
            pending.Abandon();
            next.Dispose();
            throw;
        }

        pending.Commit();
        // every write after this one takes its time after the switch, inside the new key's window
        while (clock.GetUtcNow() <= switchAt)
        {
            await Task.Delay(1, CancellationToken.None);
        }

        return (new KeySnapshot(pending.Ring), new KeyRotationView(next.KeyId, current.Ring.Active.KeyId, switchAt, [receipt]));
    }
}
