using System.Text.Json;
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
public sealed class LedgerDatabase(string connectionString, string schema) : IDisposable
{
    private const string Columns = "seq_id, stream_id, version, type, data::text, headers::text, timestamp";

    /// <summary>
    /// Marten writes placeholder rows to this stream when a transaction that had reserved sequence numbers
    /// fails (a lost race). They are not ledger entries: no envelope, never served, never verified.
    /// </summary>
    public const string TombstoneStream = "mt_tombstone";

    public NpgsqlDataSource Source { get; } = NpgsqlDataSource.Create(connectionString);

    private string Events => EventsTable;

    /// <summary>The quoted name of Marten's event table.</summary>
    public string EventsTable => $"{new NpgsqlCommandBuilder().QuoteIdentifier(schema)}.mt_events";

    public async Task<StoredRow?> ReadEntry(long seq, CancellationToken ct)
    {
        await using var command = Source.CreateCommand($"SELECT {Columns} FROM {Events} WHERE seq_id = $1 AND stream_id <> '{TombstoneStream}'");
        command.Parameters.AddWithValue(seq);
        var rows = await Read(command, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<StoredRow>> ReadStream(string streamKey, CancellationToken ct)
    {
        await using var command = Source.CreateCommand($"SELECT {Columns} FROM {Events} WHERE stream_id = $1 ORDER BY version");
        command.Parameters.AddWithValue(streamKey);
        return await Read(command, ct);
    }

    public async Task<IReadOnlyList<string>> ListStreams(CancellationToken ct)
    {
        await using var command = Source.CreateCommand($"SELECT DISTINCT stream_id FROM {Events} WHERE stream_id <> '{TombstoneStream}' ORDER BY stream_id");
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            streams.Add(reader.GetString(0));
        }

        return streams;
    }

    /// <summary>The row as the verifier sees it; an unreadable envelope is left for the verifier to reject.</summary>
    public static StoredEntry? ToStoredEntry(StoredRow row)
    {
        if (row.EnvelopeJson is null)
        {
            return null;
        }

        try
        {
            return new StoredEntry(row.Seq, row.Version, row.EventType, row.DataJson, DsseEnvelope.Parse(row.EnvelopeJson));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<StoredRow>> Read(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<StoredRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var headers = reader.IsDBNull(5) ? null : reader.GetString(5);
            rows.Add(new StoredRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                Header(headers, EntryHeaders.Envelope), Header(headers, EntryHeaders.KeyId), Header(headers, EntryHeaders.Hash),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return rows;
    }

    /// <summary>A string header of a stored row's headers JSON; null when absent or unreadable.</summary>
    public static string? Header(string? headersJson, string name)
    {
        if (headersJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(headersJson);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null; // unreadable headers: the verifier reports the entry as missing its envelope
        }
    }

    public void Dispose() => Source.Dispose();
}
