using System.Text.Json;
using MlLedger.Api.Ledger;
using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Lineage;

/// <summary>
/// At every start: indexes the entries past the backfill's watermark, in pages, each page in a transaction of its own
/// that advances the watermark. Entries written before the index existed get their rows this way; entries the inline
/// projection indexed already are left as they are (ON CONFLICT DO NOTHING), so the work is only what was written since
/// the last start. Nodes starting together take turns on an advisory lock.
/// </summary>
internal sealed partial class LineageBackfill(LedgerDatabase database, string schema, ILogger<LineageBackfill> log) : IHostedService
{
    private const string Mark = "backfill";
    private const int Page = 5_000;
    private static readonly JsonSerializerOptions Json = LedgerJson.Create();
    private readonly string _schema = LogSchema.Quote(schema);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        long entries = 0;
        while (await IndexPage(cancellationToken) is var indexed and > 0)
        {
            entries += indexed;
        }

        Indexed(log, entries);
    }

    /// <returns>How many entries the page held (0: the index is complete up to the last committed entry).</returns>
    private async Task<int> IndexPage(CancellationToken ct)
    {
        await using var connection = await database.Source.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection))
        {
            lockCommand.Parameters.AddWithValue($"{_schema}.{LineageSchema.Marks}");
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        long after;
        await using (var watermark = new NpgsqlCommand($"SELECT seq FROM {_schema}.{LineageSchema.Marks} WHERE name = $1", connection))
        {
            watermark.Parameters.AddWithValue(Mark);
            after = await watermark.ExecuteScalarAsync(ct) is long seq ? seq : 0;
        }

        var rows = await Read(connection, after, ct);
        if (rows.Count == 0)
        {
            return 0;
        }

        var nodes = new List<(NodeFact Fact, long Seq)>();
        var edges = new List<(EdgeFact Fact, long Seq)>();
        foreach (var (seq, stream, version, type, data) in rows)
        {
            if (EventCatalog.Types.TryGetValue(type, out var clrType) && JsonSerializer.Deserialize(data, clrType, Json) is { } e)
            {
                var (n, ed) = LineageFacts.Of(e, new EntryPosition(stream, version));
                nodes.AddRange(n.Select(f => (f, seq)));
                edges.AddRange(ed.Select(f => (f, seq)));
            }
        }

        await Insert(connection, nodes, edges, ct);
        await using (var mark = new NpgsqlCommand(
            $"INSERT INTO {_schema}.{LineageSchema.Marks} (name, seq, done_at) VALUES ($1, $2, now()) " +
            "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, done_at = excluded.done_at", connection))
        {
            mark.Parameters.AddWithValue(Mark);
            mark.Parameters.AddWithValue(rows[^1].Seq);
            await mark.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<List<(long Seq, string Stream, long Version, string Type, string Data)>> Read(NpgsqlConnection connection, long after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT seq_id, stream_id, version, type, data::text FROM {database.EventsTable} " +
            $"WHERE seq_id > $1 AND stream_id <> '{LedgerDatabase.TombstoneStream}' ORDER BY seq_id LIMIT {Page}", connection);
        command.Parameters.AddWithValue(after);
        var rows = new List<(long, string, long, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        return rows;
    }

    private async Task Insert(NpgsqlConnection connection, List<(NodeFact Fact, long Seq)> nodes, List<(EdgeFact Fact, long Seq)> edges, CancellationToken ct)
    {
        await using (var command = new NpgsqlCommand(
            $"INSERT INTO {_schema}.{LineageSchema.Nodes} (node, seq, kind, label, status, at) " +
            "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) ON CONFLICT DO NOTHING", connection))
        {
            command.Parameters.AddWithValue(nodes.Select(n => n.Fact.Node).ToArray());
            command.Parameters.AddWithValue(nodes.Select(n => n.Seq).ToArray());
            command.Parameters.AddWithValue(nodes.Select(n => n.Fact.Kind).ToArray());
            command.Parameters.AddWithValue(nodes.Select(n => n.Fact.Label).ToArray());
            command.Parameters.AddWithValue(nodes.Select(n => n.Fact.Status).ToArray());
            command.Parameters.AddWithValue(nodes.Select(n => n.Fact.At.ToUniversalTime()).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }

        await using (var command = new NpgsqlCommand(
            $"INSERT INTO {_schema}.{LineageSchema.Edges} (source, target, relation, seq, at) " +
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[]) ON CONFLICT DO NOTHING", connection))
        {
            command.Parameters.AddWithValue(edges.Select(e => e.Fact.Source).ToArray());
            command.Parameters.AddWithValue(edges.Select(e => e.Fact.Target).ToArray());
            command.Parameters.AddWithValue(edges.Select(e => e.Fact.Relation).ToArray());
            command.Parameters.AddWithValue(edges.Select(e => e.Seq).ToArray());
            command.Parameters.AddWithValue(edges.Select(e => e.Fact.At.ToUniversalTime()).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lineage index: {Entries} entries since the last start checked and indexed")]
    private static partial void Indexed(ILogger logger, long entries);
}
