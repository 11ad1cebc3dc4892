using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Lineage;

/// <summary>
/// Which entries a read sees. A tree size: the entries of the first <see cref="TreeSize"/> leaves of the log
/// (<see cref="MaxSeq"/> is the sequence number of the last one, which narrows the search). A time: the entries that
/// happened at or before <see cref="MaxTime"/>. Neither: everything committed.
/// </summary>
public sealed record LineageCut(long? MaxSeq, DateTimeOffset? MaxTime, long? TreeSize = null)
{
    public static LineageCut Now { get; } = new(null, null);

    public static LineageCut AtTreeSize(long treeSize, long lastSeq) => new(lastSeq, null, treeSize);
}

public sealed record LineageNodeView(string Id, string Kind, string Key, string Label, string Status, long Seq, long StatusSeq);

public sealed record LineageEdgeView(string From, string To, string Relation, long Seq);

/// <summary>A walked subgraph; <see cref="Truncated"/> when edges go on past the depth the walk stopped at.</summary>
public sealed record LineageGraph(IReadOnlyList<LineageNodeView> Nodes, IReadOnlyList<LineageEdgeView> Edges, bool Truncated = false)
{
    public LineageNodeView? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);
}

/// <summary>The graph reached more nodes than a query may return (or, for a report, goes deeper than a walk may go).</summary>
public sealed class LineageTooLargeException(int limit, int depth, bool tooDeep = false, bool edges = false)
    : Exception(tooDeep
        ? $"The lineage graph goes on past depth {depth}."
        : $"The lineage graph has more than {limit} {(edges ? "edges" : "nodes")} within depth {depth}; ask for a smaller depth or one direction.")
{
    public int Limit { get; } = limit;

    /// <summary>The 422 answer (code <c>lineage-too-large</c>, extension <c>limit</c>), its detail framed by <paramref name="before"/> and <paramref name="after"/>.</summary>
    internal Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(string before = "", string after = "") =>
        Http.Problems.Of(StatusCodes.Status422UnprocessableEntity, "lineage-too-large", before + Message + after,
            new Dictionary<string, object?> { ["limit"] = Limit });
}

/// <summary>
/// Walks the lineage index breadth first, one query per level and direction, as of a cut. Upstream follows edges
/// against data flow (what the subject came from); downstream follows them with it (what came from the subject).
/// </summary>
internal sealed class LineageQuery(LedgerDatabase database, string schema)
{
    public const int MaxNodes = 10_000;
    public const int MaxDepth = 64;

    /// <summary>Edges between the nodes of one answer: ten per node at the node limit (a model version has a few datasets).</summary>
    public const int MaxEdges = 100_000;

    private readonly string _nodes = $"{LogSchema.Quote(schema)}.{LineageSchema.Nodes}";
    private readonly string _edges = $"{LogSchema.Quote(schema)}.{LineageSchema.Edges}";
    private readonly string _leaves = $"{LogSchema.Quote(schema)}.{LogSchema.Leaves}";

    public async Task<bool> Exists(string node, LineageCut cut, CancellationToken ct)
    {
        var found = await NodesOf([node], cut, ct);
        return found.Count == 1;
    }

    /// <param name="relations">Follow only these relations (null: all).</param>
    public async Task<LineageGraph> Walk(
        string subject, bool upstream, bool downstream, int depth, LineageCut cut, CancellationToken ct, int limit = MaxNodes,
        IReadOnlyCollection<string>? relations = null, int edgeLimit = MaxEdges)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { subject };
        var edges = new Dictionary<(string, string, string), long>();
        var walk = new Walking(cut, relations?.ToArray(), depth, limit, edgeLimit, visited, edges);
        var truncated = upstream && await Expand(subject, towardsSources: true, walk, ct);
        truncated |= downstream && await Expand(subject, towardsSources: false, walk, ct);

        var nodes = await NodesOf([.. visited], cut, ct);
        var views = visited
            .Select(id => nodes.TryGetValue(id, out var node) ? node : Unknown(id))
            .OrderBy(n => n.Seq).ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
        var edgeViews = edges
            .Select(e => new LineageEdgeView(e.Key.Item1, e.Key.Item2, e.Key.Item3, e.Value))
            .OrderBy(e => e.Seq).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .ToList();
        return new LineageGraph(views, edgeViews, truncated);
    }

    private sealed record Walking(
        LineageCut Cut, string[]? Relations, int Depth, int Limit, int EdgeLimit, HashSet<string> Visited, Dictionary<(string, string, string), long> Edges);

    /// <returns>True when edges go on past the depth limit.</returns>
    private async Task<bool> Expand(string subject, bool towardsSources, Walking walk, CancellationToken ct)
    {
        var (cut, relations, depth, limit, edgeLimit, visited, edges) = walk;
        var seen = new HashSet<string>(StringComparer.Ordinal) { subject };
        var frontier = new List<string> { subject };
        var from = towardsSources ? "target" : "source";
        var where = $"FROM {_edges} x WHERE x.{from} = ANY($1) AND ({CutSql}) AND ($5::text[] IS NULL OR x.relation = ANY($5))";
        for (var level = 0; level < depth && frontier.Count > 0; level++)
        {
            await using var command = database.Source.CreateCommand(
                $"SELECT x.source, x.target, x.relation, min(x.seq) {where} GROUP BY x.source, x.target, x.relation");
            command.Parameters.AddWithValue(frontier.ToArray());
            AddCut(command, cut);
            AddRelations(command, relations);
            var next = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var key = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                    var seq = reader.GetInt64(3);
                    edges[key] = edges.TryGetValue(key, out var known) ? Math.Min(known, seq) : seq;
                    if (edges.Count > edgeLimit)
                    {
                        throw new LineageTooLargeException(edgeLimit, depth, edges: true);
                    }

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

        if (frontier.Count == 0)
        {
            return false;
        }

        await using var more = database.Source.CreateCommand($"SELECT EXISTS (SELECT 1 {where})");
        more.Parameters.AddWithValue(frontier.ToArray());
        AddCut(more, cut);
        AddRelations(more, relations);
        return await more.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The cut over rows aliased <c>x</c>: $2 last sequence number, $3 time, $4 tree size (rows must be leaves below it).</summary>
    private string CutSql =>
        "($2::bigint IS NULL OR x.seq <= $2) AND ($3::timestamptz IS NULL OR x.at <= $3) AND " +
        $"($4::bigint IS NULL OR EXISTS (SELECT 1 FROM {_leaves} l WHERE l.seq = x.seq AND l.idx < $4))";

    private async Task<Dictionary<string, LineageNodeView>> NodesOf(string[] ids, LineageCut cut, CancellationToken ct)
    {
        var found = new Dictionary<string, LineageNodeView>(ids.Length, StringComparer.Ordinal);
        await using var command = database.Source.CreateCommand(
            $"SELECT x.node, x.kind, x.label, x.status, x.seq FROM {_nodes} x WHERE x.node = ANY($1) AND ({CutSql}) ORDER BY x.node, x.seq");
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
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)cut.TreeSize ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
    }

    private static void AddRelations(NpgsqlCommand command, string[]? relations) =>
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = (object?)relations ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
        });
}
