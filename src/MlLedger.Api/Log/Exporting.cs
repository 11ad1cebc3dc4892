using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Api.Log;

/// <summary>
/// <c>GET /v1/export?from=&amp;to=&amp;since=</c>: an audit bundle (JSON Lines) of the leaves [from, to) under the
/// checkpoint of size <c>to</c> (default: the latest), with the compact range of the leaves before <c>from</c>, and
/// the consistency proof from the checkpoint of size <c>since</c> that the auditor already holds. Rows are streamed
/// from the database to the response: a million entries never sit in memory.
/// </summary>
internal static class Exporting
{
    public const string ContentType = "application/jsonl";

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Export(
        long? from, long? to, long? since, LogStore log, LogProofs proofs, LedgerDatabase database, LogSettings settings,
        HttpContext http, CancellationToken ct)
    {
        var checkpoint = to is { } size ? await log.CheckpointAt(size, ct) : await log.LatestCheckpoint(ct);
        if (checkpoint is null)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "no-checkpoint",
                to is null ? "No checkpoint has been issued yet." : $"No checkpoint was issued at tree size {to}; `to` must be a checkpoint's size.");
        }

        var start = from ?? 0;
        if (start < 0 || start > checkpoint.TreeSize)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-range", $"`from` must lie in [0, {checkpoint.TreeSize}]; got {start}.");
        }

        AuditSince? consistency = null;
        if (since is { } older)
        {
            var kept = older >= 1 && older <= checkpoint.TreeSize ? await log.CheckpointAt(older, ct) : null;
            if (kept is null)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "no-checkpoint",
                    $"`since` must be the size of an issued checkpoint in [1, {checkpoint.TreeSize}]; got {older}.");
            }

            try
            {
                var proof = await proofs.Consistency(older, checkpoint.TreeSize, ct);
                consistency = new AuditSince(kept.Note, proof.Hashes);
            }
            catch (ProofRefusedException refused)
            {
                return Problems.Of(StatusCodes.Status500InternalServerError, "log-damaged", $"{refused.Message} Run GET /v1/verification/log.");
            }
        }

        if (await log.Frontier(start, ct) is not { } prefix)
        {
            return Problems.Of(StatusCodes.Status500InternalServerError, "log-damaged", "Subtree hashes of the log are missing; run GET /v1/verification/log.");
        }

        var header = new AuditBundleHeader(settings.Origin, start, checkpoint.TreeSize, prefix, checkpoint.Note, consistency);
        http.Response.ContentType = ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"mlledger-{start}-{checkpoint.TreeSize}.jsonl\"";
        await AuditExport.WriteAsync(http.Response.Body, header, log, database, ct);
        return TypedResults.Empty;
    }
}
