using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MlLedger.Api.Log;
using MlLedger.Api.Storage;

namespace MlLedger.Api.Lineage;

/// <summary>
/// Keeps the lineage index: an inline projection, so the rows commit with the events (a write is in the graph as soon
/// as it is acknowledged) and carry the events' sequence numbers.
/// </summary>
internal sealed class LineageProjection(string schema) : IProjection
{
    private readonly string _schema = LogSchema.Quote(schema);

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var nodes = new List<NodeFact>();
        var edges = new List<EdgeFact>();
        foreach (var e in events)
        {
            if (e.StreamKey == LedgerDatabase.TombstoneStream)
            {
                continue;
            }

            // sequence numbers are drawn by the server as the events are inserted; rows find theirs by stream and version
            if (e.StreamKey is null || e.Version <= 0)
            {
                throw new InvalidOperationException("The lineage index needs each event's stream and version before commit.");
            }

            var (n, ed) = LineageFacts.Of(e.Data, new EntryPosition(e.StreamKey, e.Version));
            nodes.AddRange(n);
            edges.AddRange(ed);
        }

        Queue(operations, _schema, nodes, edges);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues the inserts of <paramref name="nodes"/> and <paramref name="edges"/> on the session's unit of work, after its
    /// events. Each row takes the sequence number of its entry; a row whose entry is not there fails the whole commit
    /// (a division by zero), so the index never silently misses a row.
    /// </summary>
    public static void Queue(IDocumentOperations operations, string quotedSchema, IReadOnlyList<NodeFact> nodes, IReadOnlyList<EdgeFact> edges)
    {
        var events = $"{quotedSchema}.mt_events";
        if (nodes.Count > 0)
        {
            operations.QueueSqlCommand(
                $"WITH added AS (INSERT INTO {quotedSchema}.{LineageSchema.Nodes} (node, seq, kind, label, status, at) " +
                "SELECT u.node, e.seq_id, u.kind, u.label, u.status, u.at " +
                "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[]) " +
                "AS u(node, stream, version, kind, label, status, at) " +
                $"JOIN {events} e ON e.stream_id = u.stream AND e.version = u.version RETURNING 1) " +
                "SELECT 1 / (CASE WHEN count(*) = ? THEN 1 ELSE 0 END) FROM added",
                nodes.Select(n => n.Node).ToArray(), nodes.Select(n => n.Entry.Stream).ToArray(), nodes.Select(n => n.Entry.Version).ToArray(),
                nodes.Select(n => n.Kind).ToArray(), nodes.Select(n => n.Label).ToArray(), nodes.Select(n => n.Status).ToArray(),
                nodes.Select(n => n.At.ToUniversalTime()).ToArray(), (long)nodes.Count);
        }

        if (edges.Count > 0)
        {
            operations.QueueSqlCommand(
                $"WITH added AS (INSERT INTO {quotedSchema}.{LineageSchema.Edges} (source, target, relation, seq, at) " +
                "SELECT u.source, u.target, u.relation, e.seq_id, u.at " +
                "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::timestamptz[]) " +
                "AS u(source, target, relation, stream, version, at) " +
                $"JOIN {events} e ON e.stream_id = u.stream AND e.version = u.version RETURNING 1) " +
                "SELECT 1 / (CASE WHEN count(*) = ? THEN 1 ELSE 0 END) FROM added",
                edges.Select(e => e.Source).ToArray(), edges.Select(e => e.Target).ToArray(), edges.Select(e => e.Relation).ToArray(),
                edges.Select(e => e.Entry.Stream).ToArray(), edges.Select(e => e.Entry.Version).ToArray(),
                edges.Select(e => e.At.ToUniversalTime()).ToArray(), (long)edges.Count);
        }
    }
}
