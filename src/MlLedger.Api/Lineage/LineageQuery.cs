using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Lineage;

/// <summary>
/// Which entries a read sees: those at or before sequence <see cref="MaxSeq"/> (a tree size's last entry) and/or those
/// that happened at or before <see cref="MaxTime"/>. Neither: everything committed.
/// </summary>
public sealed record LineageCut(long? MaxSeq, DateTimeOffset? MaxTime)
{
    public static LineageCut Now { get; } = new(null, null);

    public bool Admits(long seq, DateTimeOffset at) => (MaxSeq is not { } s || seq <= s) && (MaxTime is not { } t || at <= t);
}

public sealed record LineageNodeView(string Id, string Kind, string Key, string Label, string Status, long Seq, long StatusSeq);

public sealed record LineageEdgeView(string From, string To, string Relation, long Seq);

public sealed record LineageGraph(IReadOnlyList<LineageNodeView> Nodes, IReadOnlyList<LineageEdgeView> Edges)
{
    public LineageNodeView? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);
}

/// <summary>The graph reached more nodes than a query may return.</summary>
public sealed class LineageTooLargeException(int limit, int depth)
    : Exception($"The lineage graph has more than {limit} nodes within depth {depth}; ask for a smaller depth or one direction.")
{
    public int Limit { get; } = limit;
}

/// <summary>
/// Walks the lineage index breadth first, one query per level and direction, as of a cut. Upstream follows edges
/// against data flow (what the subject came from); downstream follows them with it (what came from the subject).
/// </summary>
internal sealed class LineageQuery(LedgerDatabase database, string schema)
{
    public const int MaxNodes = 10_000;
    public const int MaxDepth = 64;

    private readonly string _nodes = $"{LogSchema.Quote(schema)}.{LineageSchema.Nodes}";
    private readonly string _edges = $"{LogSchema.Quote(schema)}.{LineageSchema.Edges}";

    public async Task<bool> Exists(string node, LineageCut cut, CancellationToken ct)
    {
        var found = await NodesOf([node], cut, ct);
        return found.Count == 1;
    }

    public async Task<LineageGraph> Walk(string subject, bool upstream, bool downstream, int depth, LineageCut cut, CancellationToken ct, int limit = MaxNodes)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { subject };
        var edges = new Dictionary<(string, string, string), long>();
        if (upstream)
        {
            await Expand(subject, towardsSources: true, depth, cut, visited, edges, limit, ct);
        }

        if (downstream)
        {
            await Expand(subject, towardsSources: false, depth, cut, visited, edges, limit, ct);
        }

        var nodes = await NodesOf([.. visited], cut, ct);
        var views = visited
            .Select(id => nodes.TryGetValue(id, out var node) ? node : Unknown(id))
            .OrderBy(n => n.Seq).ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
        var edgeViews = edges
            .Select(e => new LineageEdgeView(e.Key.Item1, e.Key.Item2, e.Key.Item3, e.Value))
            .OrderBy(e => e.Seq).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .ToList();
        return new LineageGraph(views, edgeViews);
    }

    private async Task Expand(
        string subject, bool towardsSources, int depth, LineageCut cut, HashSet<string> visited,
        Dictionary<(string, string, string), long> edges, int limit, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { subject };
        var frontier = new List<string> { subject };
        var from = towardsSources ? "target" : "source";
        for (var level = 0; level < depth && frontier.Count > 0; level++)
        {
            await using var command = database.Source.CreateCommand(
                $"SELECT source, target, relation, min(seq) FROM {_edges} WHERE {from} = ANY($1) " +
                "AND ($2::bigint IS NULL OR seq <= $2) AND ($3::timestamptz IS NULL OR at <= $3) " +
                "GROUP BY source, target, relation");
            command.Parameters.AddWithValue(frontier.ToArray());
            AddCut(command, cut);
            var next = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                    var seq = reader.GetInt64(3);
                    edges[key] = edges.TryGetValue(key, out var known) ? Math.Min(known, seq) : seq;
                    var other = towardsSources ? key.Item1 : key.Item2;
                    if (seen.Add(other))
                    {
                        next.Add(other);
                        if (visited.Add(other) && visited.Count > limit)
                        {
                            throw new LineageTooLargeException(limit, depth);
                        }
                    }
                }
            }

            frontier = next;
        }
    }

    private async Task<Dictionary<string, LineageNodeView>> NodesOf(string[] ids, LineageCut cut, CancellationToken ct)
    {
        var found = new Dictionary<string, LineageNodeView>(ids.Length, StringComparer.Ordinal);
        await using var command = database.Source.CreateCommand(
            $"SELECT node, kind, label, status, seq FROM {_nodes} WHERE node = ANY($1) " +
            "AND ($2::bigint IS NULL OR seq <= $2) AND ($3::timestamptz IS NULL OR at <= $3) ORDER BY node, seq");
        command.Parameters.AddWithValue(ids);
        AddCut(command, cut);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (id, kind, label, status, seq) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
            found[id] = found.TryGetValue(id, out var first)
                ? first with { Label = first.Label.Length > 0 ? first.Label : label, Status = status, StatusSeq = seq }
                : new LineageNodeView(id, kind, KeyOf(id), label, status, seq, seq);
        }

        return found;
    }

    private static LineageNodeView Unknown(string id)
    {
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return new LineageNodeView(id, colon > 0 ? id[..colon] : "", KeyOf(id), KeyOf(id), "unknown", 0, 0);
    }

    private static string KeyOf(string id) => id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private static void AddCut(NpgsqlCommand command, LineageCut cut)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)cut.MaxSeq ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = (object?)cut.MaxTime?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz,
        });
    }
}
