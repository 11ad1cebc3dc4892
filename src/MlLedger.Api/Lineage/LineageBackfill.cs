using System.Text.Json;
using MlLedger.Api.Ledger;
using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Lineage;

/// <summary>
/// Once per database, at start-up: indexes the entries written before the lineage index existed. Every row is inserted
/// with ON CONFLICT DO NOTHING, so entries the inline projection indexed already are left as they are, and a start
/// interrupted half-way simply does it again. Nodes starting together take turns on an advisory lock.
/// </summary>
internal sealed partial class LineageBackfill(LedgerDatabase database, string schema, ILogger<LineageBackfill> log) : IHostedService
{
    private const string Mark = "backfill-v1";
    private const int Page = 5_000;
    private static readonly JsonSerializerOptions Json = LedgerJson.Create();
    private readonly string _schema = LogSchema.Quote(schema);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock(hashtext('{_schema}.{LineageSchema.Marks}'))", cancellationToken);
        await using (var done = new NpgsqlCommand($"SELECT 1 FROM {_schema}.{LineageSchema.Marks} WHERE name = $1", connection))
        {
            done.Parameters.AddWithValue(Mark);
            if (await done.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }
        }

        long after = 0, entries = 0;
        while (true)
        {
            var rows = await Read(connection, after, cancellationToken);
            if (rows.Count == 0)
            {
                break;
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

            await Insert(connection, nodes, edges, cancellationToken);
            after = rows[^1].Seq;
            entries += rows.Count;
        }

        await using (var mark = new NpgsqlCommand($"INSERT INTO {_schema}.{LineageSchema.Marks} (name, done_at) VALUES ($1, now())", connection))
        {
            mark.Parameters.AddWithValue(Mark);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Indexed(log, entries);
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

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lineage index: {Entries} entries written before it existed are now indexed")]
    private static partial void Indexed(ILogger logger, long entries);
}
