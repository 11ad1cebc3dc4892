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
    /// The stored entries of the leaves [from, to), in log order, read in pages of <see cref="Page"/> leaves so that no
    /// connection or snapshot is held while a slow client downloads. A leaf whose entry is no longer stored is left
    /// out (the verifier names the missing index); an unreadable envelope is written as it can be read, for the
    /// verifier to refuse.
    /// </summary>
    private static async IAsyncEnumerable<AuditEntry> Entries(
        LogStore log, LedgerDatabase database, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var start = from; start < to; start += Page)
        {
            foreach (var entry in await ReadPage(log, database, start, Math.Min(to, start + Page), ct))
            {
                yield return entry;
            }
        }
    }

    private const int Page = 2_000;

    private static async Task<List<AuditEntry>> ReadPage(LogStore log, LedgerDatabase database, long from, long to, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            "SELECT l.idx, l.seq, e.stream_id, e.version, e.type, e.data::text, e.headers::text " +
            $"FROM {log.Table(LogSchema.Leaves)} l JOIN {database.EventsTable} e ON e.seq_id = l.seq " +
            "WHERE l.idx >= $1 AND l.idx < $2 ORDER BY l.idx");
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        var entries = new List<AuditEntry>(Page);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
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

            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3),
                reader.GetString(4), reader.GetString(5), envelope));
        }

        return entries;
    }
}
