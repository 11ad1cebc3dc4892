using System.Runtime.CompilerServices;
using MlLedger.Api.Hosting;
using MlLedger.Api.Ledger;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using Npgsql;

namespace MlLedger.Api.Storage;

/// <summary>One stored row of <c>mt_events</c> exactly as PostgreSQL holds it, for reading entries back and verifying them.</summary>
public sealed record StoredRow(long Seq, string StreamKey, long Version, string EventType, string DataJson, string? EnvelopeJson, string? KeyId, string? Hash, DateTimeOffset StoredAt);

/// <summary>
/// Direct reads of the event table. Verification reads the stored rows, not Marten's deserialised
/// objects, so that a change to the stored JSON cannot be hidden by a lenient deserialiser.
/// </summary>
public sealed class LedgerDatabase(string connectionString, string schema, ReadLimits? limits = null) : IDisposable
{
    private static readonly string Columns = "seq_id, stream_id, version, type, data::text, " +
        $"{EntryHeaders.Sql("headers", EntryHeaders.Envelope)}, {EntryHeaders.Sql("headers", EntryHeaders.KeyId)}, " +
        $"{EntryHeaders.Sql("headers", EntryHeaders.Hash)}, timestamp";

    /// <summary>
    /// Marten writes placeholder rows to this stream when a transaction that had reserved sequence numbers
    /// fails (a lost race). They are not ledger entries: no envelope, never served, never verified.
    /// </summary>
    public const string TombstoneStream = "mt_tombstone";

    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(connectionString);

    private string Events => EventsTable;

    /// <summary>A fresh budget for one read over the ledger, in pages of the configured size.</summary>
    public PageBudget NewPageBudget() => new(limits ?? ReadLimits.Default);

    /// <summary>The quoted name of Marten's event table.</summary>
    public string EventsTable => $"{QuotedSchema}.mt_events";

    /// <summary>The ledger's schema, quoted for SQL text.</summary>
    public string QuotedSchema => new NpgsqlCommandBuilder().QuoteIdentifier(schema);

    public async Task<StoredRow?> ReadEntry(long seq, CancellationToken ct)
    {
        await using var command = Source.CreateCommand($"SELECT {Columns} FROM {Events} WHERE seq_id = $1 AND stream_id <> '{TombstoneStream}'");
        command.Parameters.AddWithValue(seq);
        var (rows, _) = await Read(command, budget: null, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The entries of these sequence numbers that exist, in sequence order, in one query.</summary>
    public async Task<IReadOnlyList<StoredRow>> ReadEntries(IReadOnlyCollection<long> seqs, CancellationToken ct)
    {
        await using var command = Source.CreateCommand(
            $"SELECT {Columns} FROM {Events} WHERE seq_id = ANY($1) AND stream_id <> '{TombstoneStream}' ORDER BY seq_id");
        command.Parameters.AddWithValue(seqs.ToArray());
        var (rows, _) = await Read(command, budget: null, ct);
        return rows;
    }

    /// <summary>
    /// Every stored row of one stream (null: of every stream but Marten's placeholders), in stream and version order,
    /// read a page at a time (<see cref="PageBudget"/>): only one page is in memory, and no connection is held between
    /// pages. Each page is a snapshot of its own: entries appended meanwhile are read if the walk has not passed them.
    /// </summary>
    public async IAsyncEnumerable<StoredRow> StreamRows(string? streamKey, [EnumeratorCancellation] CancellationToken ct)
    {
        var budget = NewPageBudget();
        var (afterStream, afterVersion) = (streamKey ?? "", 0L);
        while (true)
        {
            await using var command = streamKey is null
                ? Source.CreateCommand($"SELECT {Columns} FROM {Events} WHERE stream_id <> '{TombstoneStream}' AND (stream_id, version) > ($1, $2) " +
                                      "ORDER BY stream_id, version LIMIT $3")
                : Source.CreateCommand($"SELECT {Columns} FROM {Events} WHERE stream_id = $1 AND version > $2 ORDER BY version LIMIT $3");
            command.Parameters.AddWithValue(afterStream);
            command.Parameters.AddWithValue(afterVersion);
            command.Parameters.AddWithValue(budget.NextRows);
            var asked = budget.NextRows;
            var (rows, cut) = await Read(command, budget, ct);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (!cut && rows.Count < asked)
            {
                yield break;
            }

            (afterStream, afterVersion) = (rows[^1].StreamKey, rows[^1].Version);
        }
    }

    /// <summary>The row as the verifier sees it; an unreadable envelope is left for the verifier to reject.</summary>
    public static StoredEntry? ToStoredEntry(StoredRow row) =>
        EntryHeaders.TryParseEnvelope(row.EnvelopeJson) is { } envelope
            ? new StoredEntry(row.Seq, row.Version, row.EventType, row.DataJson, envelope)
            : null;

    private static async Task<(List<StoredRow> Rows, bool Cut)> Read(NpgsqlCommand command, PageBudget? budget, CancellationToken ct)
    {
        var rows = new List<StoredRow>();
        long chars = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var data = reader.GetString(4);
            var envelope = reader.IsDBNull(5) ? null : reader.GetString(5);
            rows.Add(new StoredRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), data,
                envelope, reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8)));
            chars += data.Length + (envelope?.Length ?? 0);
            if (budget?.IsFull(chars) == true)
            {
                budget.Read(rows.Count, cut: true);
                return (rows, true);
            }
        }

        budget?.Read(rows.Count, cut: false);
        return (rows, false);
    }

    public void Dispose() => Source.Dispose();
}
