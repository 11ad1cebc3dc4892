using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Dsse;
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
        using var writer = new AuditBundleWriter(http.Response.Body, header);
        await foreach (var entry in Entries(log, database, start, checkpoint.TreeSize, ct))
        {
            await writer.WriteEntryAsync(entry, ct);
        }

        await writer.CompleteAsync(ct);
        return TypedResults.Empty;
    }

    /// <summary>
    /// The stored entries of the leaves [from, to), in log order, read in pages (<see cref="PageBudget"/>: at most 1,000
    /// entries and about 8 Mi characters each, however large the entries are) so that one page is in memory and no
    /// connection or snapshot is held while a slow client downloads. A leaf whose entry is no longer stored is left
    /// out (the verifier names the missing index); an unreadable envelope is written as it can be read, for the
    /// verifier to refuse.
    /// </summary>
    private static async IAsyncEnumerable<AuditEntry> Entries(
        LogStore log, LedgerDatabase database, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var budget = database.NewPageBudget();
        for (var start = from; start < to;)
        {
            var asked = (int)Math.Min(budget.NextRows, to - start);
            var (entries, next) = await ReadPage(log, database, start, start + asked, budget, ct);
            foreach (var entry in entries)
            {
                yield return entry;
            }

            start = next;
        }
    }

    /// <summary>The entries of the leaves [from, to) up to the page's budget, and the leaf the next page starts at.</summary>
    private static async Task<(List<AuditEntry> Entries, long Next)> ReadPage(
        LogStore log, LedgerDatabase database, long from, long to, PageBudget budget, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            "SELECT l.idx, l.seq, e.stream_id, e.version, e.type, e.data::text, e.headers::text " +
            $"FROM {log.Table(LogSchema.Leaves)} l JOIN {database.EventsTable} e ON e.seq_id = l.seq " +
            "WHERE l.idx >= $1 AND l.idx < $2 ORDER BY l.idx");
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        var entries = new List<AuditEntry>();
        long chars = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var data = reader.GetString(5);
            var headers = reader.IsDBNull(6) ? null : reader.GetString(6);
            DsseEnvelope envelope;
            try
            {
                envelope = EntryHeaders.ParseEnvelope(headers) ?? new DsseEnvelope("", [], []);
            }
            catch (FormatException)
            {
                envelope = new DsseEnvelope("", [], []);
            }

            var index = reader.GetInt64(0);
            entries.Add(new AuditEntry(index, reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), data, envelope));
            chars += data.Length + (headers?.Length ?? 0);
            if (budget.IsFull(chars))
            {
                budget.Read(entries.Count, cut: true);
                return (entries, index + 1);
            }
        }

        budget.Read(entries.Count, cut: false);
        return (entries, to);
    }
}
