using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;

namespace MlLedger.Api.Entries;

/// <summary>
/// The audit trail's index: one row per entry with its stream, type, actor and signed time, so that the trail can be
/// filtered and paged newest first without decoding envelopes at read time. The actor and time are read out of the
/// signed statement (its <c>predicate.ledger</c>) by PostgreSQL itself, in one function that both the inline projection and
/// the start-up backfill use. It is an index, not a record: verification never reads it, and an entry whose envelope cannot
/// be read is indexed with no actor or time (the verifier names it).
/// </summary>
internal static class EntryIndex
{
    public const string Table = "entry_index";
    private const string Facts = "entry_facts";

    public static IEnumerable<ISchemaObject> Objects(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Table, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn("stream", "text").NotNull();
        table.AddColumn("type", "text").NotNull();
        table.AddColumn("actor", "text");
        table.AddColumn("actor_issuer", "text");
        table.AddColumn("at", "timestamp with time zone");
        table.AddColumn("occurred_at", "text"); // as signed: 100 ns ticks, where PostgreSQL's time keeps microseconds
        foreach (var column in new[] { "stream", "type", "actor" })
        {
            table.Indexes.Add(new IndexDefinition($"ix_{Table}_{column}_seq") { Columns = [column, "seq"] });
        }

        table.Indexes.Add(new IndexDefinition($"ix_{Table}_at") { Columns = ["at"] });
        yield return table;

        var quoted = LogSchema.Quote(schema);
        yield return Function.ForSql(
            $"CREATE OR REPLACE FUNCTION {quoted}.{Facts}(headers jsonb, OUT actor text, OUT actor_issuer text, OUT at timestamp with time zone, OUT occurred_at text) " +
            "LANGUAGE plpgsql IMMUTABLE AS $$ DECLARE ledger jsonb; BEGIN " +
            "ledger := convert_from(decode(((headers ->> 'dsse')::jsonb) ->> 'payload', 'base64'), 'UTF8')::jsonb -> 'predicate' -> 'ledger'; " +
            "actor := ledger ->> 'actor'; actor_issuer := ledger ->> 'actorIssuer'; occurred_at := ledger ->> 'occurredAt'; " +
            "at := occurred_at::timestamp with time zone; " +
            "EXCEPTION WHEN others THEN actor := NULL; actor_issuer := NULL; at := NULL; occurred_at := NULL; END $$;");
    }

    /// <summary>SQL that indexes the stored events the <c>WHERE</c> clause it ends with selects (alias <c>e</c>).</summary>
    public static string Insert(string quotedSchema) =>
        $"INSERT INTO {quotedSchema}.{Table} (seq, stream, type, actor, actor_issuer, at, occurred_at) " +
        "SELECT e.seq_id, e.stream_id, e.type, f.actor, f.actor_issuer, f.at, f.occurred_at " +
        $"FROM {quotedSchema}.mt_events e CROSS JOIN LATERAL {quotedSchema}.{Facts}(e.headers) f " +
        $"WHERE e.stream_id <> '{LedgerDatabase.TombstoneStream}' AND ";
}

/// <summary>Indexes each entry in the transaction that appends it (see <see cref="EntryIndex"/>).</summary>
internal sealed class EntryIndexProjection(string schema) : IProjection
{
    private readonly string _schema = LogSchema.Quote(schema);

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var appended = events.Where(e => e.StreamKey is not null && e.StreamKey != LedgerDatabase.TombstoneStream).ToList();
        if (appended.Count > 0)
        {
            operations.QueueSqlCommand(
                EntryIndex.Insert(_schema) + "(e.stream_id, e.version) IN (SELECT * FROM unnest(?::text[], ?::bigint[])) ON CONFLICT DO NOTHING",
                appended.Select(e => e.StreamKey!).ToArray(), appended.Select(e => e.Version).ToArray());
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// At every start: indexes the entries the index lacks (those written before it existed), in one statement. Entries the
/// inline projection indexed are skipped by the anti-join, so after the first start the work is a scan of the keys.
/// </summary>
internal sealed partial class EntryIndexBackfill(LedgerDatabase database, string schema, ILogger<EntryIndexBackfill> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var quoted = LogSchema.Quote(schema);
        await using var command = database.Source.CreateCommand(EntryIndex.Insert(quoted) +
            $"NOT EXISTS (SELECT 1 FROM {quoted}.{EntryIndex.Table} i WHERE i.seq = e.seq_id) ON CONFLICT DO NOTHING");
        command.CommandTimeout = 0;
        var indexed = await command.ExecuteNonQueryAsync(cancellationToken);
        if (indexed > 0)
        {
            Indexed(log, indexed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit trail index: {Entries} entries indexed at start")]
    private static partial void Indexed(ILogger logger, long entries);
}
