using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Bundles;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Log;

public sealed record InclusionProofView(long Seq, long LogIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Hashes, string? Checkpoint);

public sealed record ConsistencyProofView(long From, long To, string FromRoot, string ToRoot, IReadOnlyList<string> Hashes);

/// <summary>The transparency log over HTTP: checkpoints, proofs, the trusted root and per-entry Sigstore bundles.</summary>
internal static class LogEndpoints
{
    private const string NoteContentType = "text/plain; charset=utf-8";

    public static void MapLog(this WebApplication app)
    {
        var log = app.MapGroup("/v1/log").RequireAuthorization(LedgerPolicies.Read);
        log.MapGet("/checkpoint", Latest).Produces(StatusCodes.Status200OK, contentType: "text/plain").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The latest signed checkpoint: a C2SP tlog-checkpoint as a signed note (ECDSA P-256).");
        log.MapGet("/checkpoints/{size:long}", At).Produces(StatusCodes.Status200OK, contentType: "text/plain").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The checkpoint issued at a tree size; every checkpoint ever issued is kept.");
        log.MapGet("/proof/inclusion", Inclusion).Produces<InclusionProofView>().Refuses(400, 404, 500)
            .WithSummary("Inclusion proof of an entry (by sequence number) in the tree of treeSize leaves (default: the latest checkpoint).");
        log.MapGet("/proof/consistency", Consistency).Produces<ConsistencyProofView>().Refuses(400, 404, 500)
            .WithSummary("Consistency proof that the tree of `to` leaves extends the tree of `from` leaves.");
        log.MapGet("/trusted-root", TrustedRootDocument).Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/json") // a Sigstore TrustedRoot (protobuf-specs)
            .WithSummary("A Sigstore TrustedRoot for this log: every ledger key with its validity window.");
        app.MapGet("/v1/export", Exporting.Export).RequireAuthorization(LedgerPolicies.Audit).CapConcurrency()
            .Produces(StatusCodes.Status200OK, contentType: Exporting.ContentType).Refuses(400, 500)
            .WithSummary("An audit bundle (JSON Lines) of the leaves [from, to) under the checkpoint of size `to`, with the consistency proof from the checkpoint of size `since`.");
        app.MapGet("/v1/verification/log", SelfCheck).RequireAuthorization(LedgerPolicies.Audit).CapConcurrency(oneAtATime: true)
            .WithSummary("The ledger checks itself: every entry against the log and every checkpoint, and every stream's signatures, links and data.");
        app.MapGet("/v1/entries/{seq:long}/bundle", Bundle).RequireAuthorization(LedgerPolicies.Read)
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/json").Refuses(404, 409) // a Sigstore bundle v0.3 (protobuf-specs)
            .WithSummary("A Sigstore bundle v0.3 of one entry: its DSSE envelope and its inclusion proof under the latest checkpoint.");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Latest(LogStore log, CancellationToken ct) =>
        await log.LatestCheckpoint(ct) is { } latest
            ? TypedResults.Text(latest.Note, NoteContentType)
            : Problems.Of(StatusCodes.Status404NotFound, "no-checkpoint", "No checkpoint has been issued yet; the first follows within a second of start.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> At(long size, LogStore log, CancellationToken ct) =>
        await log.CheckpointAt(size, ct) is { } checkpoint
            ? TypedResults.Text(checkpoint.Note, NoteContentType)
            : Problems.Of(StatusCodes.Status404NotFound, "no-checkpoint", $"No checkpoint was issued at tree size {size}.");

    private static async Task<Results<Ok<InclusionProofView>, ProblemHttpResult>> Inclusion(
        long seq, long? treeSize, LogStore log, LogProofs proofs, HttpContext http, CancellationToken ct)
    {
        if (seq < 1 || treeSize < 1)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-parameter", "seq and treeSize must be positive.");
        }

        var checkpoint = treeSize is { } size ? await log.CheckpointAt(size, ct) : await log.LatestCheckpoint(ct);
        try
        {
            var proof = await proofs.Inclusion(seq, treeSize ?? checkpoint?.TreeSize ?? 0, ct, latestCheckpoint: treeSize is null);
            return TypedResults.Ok(new InclusionProofView(proof.Seq, proof.LeafIndex, proof.TreeSize, Hex(proof.LeafHash),
                Hex(proof.RootHash), proof.Hashes.Select(Hex).ToList(), checkpoint?.Note));
        }
        catch (ProofRefusedException refused)
        {
            return Refusal(refused, http);
        }
    }

    private static async Task<Results<Ok<ConsistencyProofView>, ProblemHttpResult>> Consistency(
        long from, long to, LogProofs proofs, HttpContext http, CancellationToken ct)
    {
        try
        {
            var proof = await proofs.Consistency(from, to, ct);
            return TypedResults.Ok(new ConsistencyProofView(proof.From, proof.To, Hex(proof.FromRoot), Hex(proof.ToRoot),
                proof.Hashes.Select(Hex).ToList()));
        }
        catch (ProofRefusedException refused)
        {
            return Refusal(refused, http);
        }
    }

    /// <summary>The whole ledger checked: the log against the entries, then every stream. One runs at a time (<see cref="ExpensiveReads"/>).</summary>
    private static async Task<Ok<LogCheckReport>> SelfCheck(LogSelfCheck check, LedgerDatabase database, TrustedKeys trusted, CancellationToken ct)
    {
        var report = await check.Run(ct);
        var failures = report.Failures.ToList();
        var found = report.FailureCount;
        // every stream is verified too: the only check of the entries no checkpoint covers yet, and a second one of those the
        // export's verification read; what that verification already named is not named twice
        var named = failures.Where(f => f.Seq is not null).Select(f => (f.Code, f.Seq)).ToHashSet();
        await foreach (var (stream, entry) in Entries.StreamsVerification.Verify(database, trusted, stream: null, ct))
        {
            foreach (var failure in entry.Failures.Where(f => !named.Contains((f.Code, entry.Seq))))
            {
                found++;
                if (failures.Count < LogSelfCheck.MaxReportedFailures)
                {
                    failures.Add(new LogFailure(failure.Code, failure.Message, Seq: entry.Seq, StreamId: stream));
                }
            }
        }

        return TypedResults.Ok(report with { Valid = found == 0, FailureCount = found, Failures = failures });
    }

    private static FileContentHttpResult TrustedRootDocument(KeyRing keys, LogSettings settings) =>
        TypedResults.File(TrustedRoot.Write(settings.BaseUrl, keys.Keys), "application/json");

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Bundle(
        long seq, LedgerDatabase database, LogStore log, LogProofs proofs, TrustedKeys trusted, HttpContext http, CancellationToken ct)
    {
        var row = await database.ReadEntry(seq, ct);
        if (row is null || LedgerDatabase.ToStoredEntry(row)?.Envelope is not { Signatures.Count: 1 } envelope)
        {
            return Problems.NotFound($"Entry {seq}");
        }

        var signer = trusted.Find(envelope.Signatures[0].KeyId);
        var checkpoint = await log.LatestCheckpoint(ct);
        var checkpointKey = checkpoint is null ? null : trusted.Find(checkpoint.KeyId);
        if (signer is null || checkpoint is null || checkpointKey is null)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "unverifiable-entry", $"Entry {seq} is not signed by a ledger key, or no checkpoint exists.");
        }

        try
        {
            var proof = await proofs.Inclusion(seq, checkpoint.TreeSize, ct, latestCheckpoint: true);
            var tlog = new TlogEntry(proof.LeafIndex, SHA256.HashData(checkpointKey.Key.SpkiDer), LeafBody.Build(envelope, signer.Key),
                proof.TreeSize, proof.RootHash, proof.Hashes, checkpoint.Note);
            return TypedResults.File(SigstoreBundle.Write(envelope, signer.Key.KeyId, tlog), "application/json",
                $"entry-{seq}.sigstore.json");
        }
        catch (ProofRefusedException refused)
        {
            return Refusal(refused, http);
        }
    }

    private static ProblemHttpResult Refusal(ProofRefusedException refused, HttpContext http)
    {
        switch (refused.Reason)
        {
            case ProofRefusal.NotSequenced:
                http.Response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status404NotFound, "not-sequenced", refused.Message);
            case ProofRefusal.BadTreeSize:
                return Problems.Of(StatusCodes.Status400BadRequest, "bad-tree-size", refused.Message);
            default:
                return Problems.Of(StatusCodes.Status500InternalServerError, "log-damaged", refused.Message);
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
