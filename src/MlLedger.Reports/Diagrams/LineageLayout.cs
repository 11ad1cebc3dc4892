using MlLedger.Reports.Model;

namespace MlLedger.Reports.Diagrams;

/// <summary>A node placed on the diagram: its box in points, relative to the diagram's top-left corner.</summary>
internal sealed record PlacedNode(DiagramNode Node, double X, double Y, double Width, double Height);

/// <summary>The positions of a lineage diagram's nodes at one scale, and the nodes that did not fit.</summary>
internal sealed record LineageLayout(double Scale, double Height, IReadOnlyList<PlacedNode> Placed, IReadOnlyList<DiagramNode> Left);

/// <summary>
/// Lays a lineage graph out in bands, top to bottom, in data-flow order: datasets (one band per derived-from
/// depth, upstream first), model versions, promotions, approvals and policy decisions, deployments. Nodes of a band
/// are ordered by the mean position of their parents, and a band too wide for the page wraps onto several rows.
/// </summary>
internal static class LineagePlanner
{
    public const double BoxWidth = 112, MinBoxWidth = 80, BoxHeight = 34, ColumnGap = 12, RowGap = 24;
    static readonly double[] Scales = [1, 0.85, 0.72, 0.6];

    /// <summary>The largest scale at which the whole graph fits in <paramref name="height"/>; else the smallest scale, with what fits.</summary>
    public static LineageLayout Plan(LineageDiagram diagram, double width, double height)
    {
        var bands = Bands(diagram);
        LineageLayout? layout = null;
        foreach (var scale in Scales)
        {
            layout = Place(bands, width, height, scale);
            if (layout.Left.Count == 0) return layout;
        }
        return layout!;
    }

    static LineageLayout Place(List<List<DiagramNode>> bands, double width, double height, double scale)
    {
        var boxH = BoxHeight * scale;
        var rowGap = RowGap * scale;
        var gap = ColumnGap * scale;
        var perRow = Math.Max(1, (int)((width + gap) / (MinBoxWidth * scale + gap)));
        var placed = new List<PlacedNode>();
        var left = new List<DiagramNode>();
        double y = 0;
        foreach (var band in bands)
        {
            for (var start = 0; start < band.Count; start += perRow)
            {
                var row = band.GetRange(start, Math.Min(perRow, band.Count - start));
                if (left.Count > 0 || y + boxH > height)
                {
                    left.AddRange(row);
                    continue;
                }
                var boxW = Math.Min(BoxWidth * scale, (width - gap * (row.Count - 1)) / row.Count);
                var rowWidth = row.Count * boxW + (row.Count - 1) * gap;
                var x = (width - rowWidth) / 2;
                foreach (var node in row)
                {
                    placed.Add(new PlacedNode(node, x, y, boxW, boxH));
                    x += boxW + gap;
                }
                y += boxH + rowGap;
            }
        }
        return new LineageLayout(scale, Math.Max(0, y - rowGap), placed, left);
    }

    static int BandOf(string kind, int datasetDepth, int datasetBands) => kind switch
    {
        LineageKinds.Dataset => datasetDepth,
        LineageKinds.ModelVersion => datasetBands,
        LineageKinds.Promotion => datasetBands + 1,
        LineageKinds.Approval or LineageKinds.PolicyDecision => datasetBands + 2,
        LineageKinds.Deployment => datasetBands + 3,
        _ => datasetBands + 4,
    };

    /// <summary>Nodes grouped into bands, each band ordered by the mean index of its parents in earlier bands.</summary>
    internal static List<List<DiagramNode>> Bands(LineageDiagram diagram)
    {
        var byId = new Dictionary<string, DiagramNode>(StringComparer.Ordinal);
        foreach (var n in diagram.Nodes) byId.TryAdd(n.Id, n);
        var parents = diagram.Edges.Where(e => byId.ContainsKey(e.From) && byId.ContainsKey(e.To))
            .GroupBy(e => e.To, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.From).ToList(), StringComparer.Ordinal);

        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        // A dataset's depth is one more than its deepest dataset parent's. Walked with an explicit stack, not by
        // recursion, so a derived-from chain of any length cannot overflow the stack.
        void DepthOf(string start)
        {
            if (depth.ContainsKey(start)) return;
            var path = new HashSet<string>(StringComparer.Ordinal) { start };
            var stack = new Stack<(string Id, int Next, int Depth)>();
            stack.Push((start, 0, 0));
            while (stack.TryPop(out var top))
            {
                var (id, next, d) = top;
                var ps = parents.GetValueOrDefault(id);
                if (ps is null || next == ps.Count)
                {
                    path.Remove(id);
                    depth[id] = d;
                    continue;
                }
                var p = ps[next];
                if (byId[p].Kind != LineageKinds.Dataset) stack.Push((id, next + 1, d));
                else if (depth.TryGetValue(p, out var known)) stack.Push((id, next + 1, Math.Max(d, known + 1)));
                else if (path.Contains(p)) stack.Push((id, next + 1, Math.Max(d, 1))); // a cycle: cut it here
                else
                {
                    stack.Push(top); // comes back to p once p's depth is known
                    path.Add(p);
                    stack.Push((p, 0, 0));
                }
            }
        }
        var datasets = byId.Values.Where(n => n.Kind == LineageKinds.Dataset).ToList();
        foreach (var n in datasets) DepthOf(n.Id);
        var datasetBands = datasets.Count == 0 ? 0 : datasets.Max(n => depth[n.Id]) + 1;

        var bands = byId.Values
            .GroupBy(n => BandOf(n.Kind, n.Kind == LineageKinds.Dataset ? depth[n.Id] : 0, datasetBands))
            .OrderBy(g => g.Key).Select(g => g.ToList()).ToList();

        var position = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var band in bands)
        {
            var ordered = band.Select((n, i) => (Node: n, Key: MeanParent(n.Id, parents, position) ?? (i + 0.5) / band.Count * 1000.0, Index: i))
                .OrderBy(t => t.Key).ThenBy(t => t.Index).Select(t => t.Node).ToList();
            band.Clear();
            band.AddRange(ordered);
            for (var i = 0; i < band.Count; i++) position[band[i].Id] = (i + 0.5) / band.Count * 1000.0;
        }
        return bands;
    }

    static double? MeanParent(string id, Dictionary<string, List<string>> parents, Dictionary<string, double> position)
    {
        var known = (parents.GetValueOrDefault(id) ?? []).Where(position.ContainsKey).Select(p => position[p]).ToList();
        return known.Count == 0 ? null : known.Average();
    }
}
