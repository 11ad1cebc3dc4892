using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Dsse;

namespace MlLedger.Api.Log;

/// <summary>
/// Writes the stored entries of a checkpoint's leaves as an audit bundle: what <c>GET /v1/export</c> sends, and what
/// the self-check gives the offline verifier, so that the two can never disagree about what an export holds.
/// </summary>
internal static class AuditExport
{
    /// <summary>Writes the bundle of <paramref name="header"/>'s leaves [From, TreeSize) to <paramref name="output"/> (not disposed).</summary>
    public static async Task WriteAsync(Stream output, AuditBundleHeader header, LogStore log, LedgerDatabase database, CancellationToken ct)
    {
        using var writer = new AuditBundleWriter(output, header);
        await foreach (var entry in Entries(log, database, header.From, header.TreeSize, ct))
        {
            await writer.WriteEntryAsync(entry, ct);
        }

        await writer.CompleteAsync(ct);
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
            $"SELECT l.idx, l.seq, e.stream_id, e.version, e.type, e.data::text, {EntryHeaders.Sql("e.headers", EntryHeaders.Envelope)} " +
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
            var envelopeJson = reader.IsDBNull(6) ? null : reader.GetString(6);
            var envelope = EntryHeaders.TryParseEnvelope(envelopeJson) ?? new DsseEnvelope("", [], []);

            var index = reader.GetInt64(0);
            entries.Add(new AuditEntry(index, reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), data, envelope));
            chars += data.Length + (envelopeJson?.Length ?? 0);
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
