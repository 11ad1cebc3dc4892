using MlLedger.Reports.Fonts;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using PdfSharp.Drawing;

namespace MlLedger.Reports.Diagrams;

/// <summary>
/// Draws a lineage diagram with vector graphics: a legend, one box per node coloured by kind, arrows in data-flow
/// order. The diagram gets a page of its own when it does not fit below the cursor; what does not fit on that page
/// even at the smallest scale is listed in a table after it.
/// </summary>
internal static class LineageDrawing
{
    sealed record KindStyle(string Name, XColor Fill, XColor Stroke);

    static readonly Dictionary<string, KindStyle> Styles = new(StringComparer.Ordinal)
    {
        [LineageKinds.Dataset] = new("Dataset", XColor.FromArgb(0xDC, 0xEB, 0xFA), XColor.FromArgb(0x2B, 0x6C, 0xB0)),
        [LineageKinds.ModelVersion] = new("Model version", XColor.FromArgb(0xDF, 0xF3, 0xE4), XColor.FromArgb(0x2F, 0x85, 0x5A)),
        [LineageKinds.Promotion] = new("Promotion", XColor.FromArgb(0xFE, 0xF3, 0xD7), XColor.FromArgb(0xB7, 0x79, 0x1F)),
        [LineageKinds.Approval] = new("Approval", XColor.FromArgb(0xED, 0xE4, 0xFB), XColor.FromArgb(0x6B, 0x46, 0xC1)),
        [LineageKinds.PolicyDecision] = new("Policy decision", XColor.FromArgb(0xE0, 0xF4, 0xF5), XColor.FromArgb(0x2C, 0x7A, 0x7B)),
        [LineageKinds.Deployment] = new("Deployment", XColor.FromArgb(0xE6, 0xE9, 0xEE), XColor.FromArgb(0x4A, 0x55, 0x68)),
    };

    static readonly KindStyle Other = new("Other", XColor.FromArgb(0xF4, 0xF4, 0xF4), XColor.FromArgb(0x71, 0x80, 0x96));

    static readonly string[] AlarmingWords = ["withdrawn", "rejected", "denied", "blocked", "rolled-back", "retired", "failed"];

    public static bool IsAlarming(string? status) =>
        status is not null && AlarmingWords.Any(w => status.Contains(w, StringComparison.OrdinalIgnoreCase));

    const double LegendHeight = 18;

    /// <summary>The height the whole diagram takes at full scale (more than a page when it will be scaled or cut).</summary>
    public static double PlannedHeight(LineageDiagram diagram) =>
        diagram.Nodes.Count == 0 ? 20 : LineagePlanner.Plan(diagram, ReportComposer.Width, double.MaxValue).Height + LegendHeight + 14;

    public static void Draw(ReportComposer c, LineageDiagram diagram)
    {
        if (diagram.Nodes.Count == 0)
        {
            c.Nothing("No lineage recorded as of this checkpoint.");
            return;
        }
        // A diagram taller than the space left starts a page of its own, unless only its heading is on this one.
        var nearTop = c.Remaining > ReportComposer.ContentBottom - ReportComposer.ContentTop - 80;
        if (PlannedHeight(diagram) > c.Remaining && !nearTop) c.NewPage();
        var layout = LineagePlanner.Plan(diagram, ReportComposer.Width, c.Remaining - LegendHeight - 6);

        DrawLegend(c, diagram);
        var top = c.Y + 4;
        var boxes = layout.Placed.ToDictionary(p => p.Node.Id, StringComparer.Ordinal);
        var edgePen = new XPen(XColor.FromArgb(0x8A, 0x94, 0xA3), 0.7 * layout.Scale);
        var edgeBrush = new XSolidBrush(edgePen.Color);
        foreach (var e in diagram.Edges)
            if (boxes.TryGetValue(e.From, out var from) && boxes.TryGetValue(e.To, out var to))
                DrawArrow(c.Gfx, edgePen, edgeBrush, from, to, top, layout.Scale);
        var label = ReportFonts.Regular(6.3 * layout.Scale);
        var status = ReportFonts.Bold(5.4 * layout.Scale);
        foreach (var p in layout.Placed) DrawBox(c, p, top, label, status);
        c.Y = top + layout.Height + 10;

        if (layout.Left.Count > 0)
        {
            c.Paragraph($"The diagram shows {layout.Placed.Count} of {diagram.Nodes.Count} nodes; the other {layout.Left.Count} are listed here with their links.");
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var n in diagram.Nodes) names.TryAdd(n.Id, n.Label);
            // One pass over the edges for all the rows, not two per row: diagrams of thousands of nodes list most of them here.
            var into = diagram.Edges.ToLookup(e => e.To, StringComparer.Ordinal);
            var outOf = diagram.Edges.ToLookup(e => e.From, StringComparer.Ordinal);
            c.Table(
                [new Column("Kind", 1.2), new Column("Node", 2.6), new Column("Status", 1), new Column("Linked from", 2.6), new Column("Linked to", 2.6)],
                layout.Left.Select(n => new Row([
                    KindName(n.Kind), n.Label, Text.OrDash(n.Status),
                    Links(into[n.Id].Select(e => $"{names.GetValueOrDefault(e.From, e.From)} ({e.Relation})")),
                    Links(outOf[n.Id].Select(e => $"{names.GetValueOrDefault(e.To, e.To)} ({e.Relation})")),
                ], IsAlarming(n.Status) ? Tone.Alert : Tone.Plain)));
        }
    }

    static string Links(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "—" : string.Join("; ", list);
    }

    public static string KindName(string kind) => (Styles.GetValueOrDefault(kind) ?? Other).Name;

    static void DrawLegend(ReportComposer c, LineageDiagram diagram)
    {
        var font = c.Theme.Small;
        var x = ReportComposer.Left;
        var present = diagram.Nodes.Select(n => n.Kind).ToHashSet(StringComparer.Ordinal);
        var kinds = Styles.Keys.Where(present.Contains).ToList();
        foreach (var kind in kinds)
        {
            var style = Styles[kind];
            c.Gfx.DrawRectangle(new XPen(style.Stroke, 0.8), new XSolidBrush(style.Fill), x, c.Y + 2, 14, 8);
            c.Gfx.DrawString(style.Name, font, c.Theme.InkBrush, x + 18, c.Y + 9);
            x += 24 + c.Measure.Width(style.Name, font);
        }
        c.Gfx.DrawRectangle(new XPen(Theme.Alert, 1.6), x, c.Y + 2, 14, 8);
        c.Gfx.DrawString("Withdrawn, rejected, denied or rolled back", font, c.Theme.InkBrush, x + 18, c.Y + 9);
        c.Y += 18;
    }

    static void DrawBox(ReportComposer c, PlacedNode p, double top, XFont label, XFont status)
    {
        var style = Styles.GetValueOrDefault(p.Node.Kind) ?? Other;
        var alarming = IsAlarming(p.Node.Status);
        var pen = alarming ? new XPen(Theme.Alert, 1.6) : new XPen(style.Stroke, 0.8);
        var x = ReportComposer.Left + p.X;
        var y = top + p.Y;
        c.Gfx.DrawRoundedRectangle(pen, new XSolidBrush(style.Fill), x, y, p.Width, p.Height, 4, 4);
        var pad = 3 * p.Height / LineagePlanner.BoxHeight;
        var lines = c.Measure.Wrap(p.Node.Label, label, p.Width - 2 * pad);
        var maxLines = p.Node.Status is null ? 3 : 2;
        if (lines.Count > maxLines)
        {
            lines = lines.Take(maxLines).ToList();
            lines[^1] = c.Measure.Fit(lines[^1] + "…", label, p.Width - 2 * pad);
        }
        var lineHeight = label.Size * 1.2;
        var textHeight = lines.Count * lineHeight + (p.Node.Status is null ? 0 : status.Size * 1.25);
        var ty = y + (p.Height - textHeight) / 2;
        foreach (var line in lines)
        {
            c.Gfx.DrawString(line, label, c.Theme.InkBrush, x + p.Width / 2, ty + label.Size, XStringFormats.BaseLineCenter);
            ty += lineHeight;
        }
        if (p.Node.Status is { } s)
            c.Gfx.DrawString(c.Measure.Fit(s, status, p.Width - 2 * pad), status, alarming ? c.Theme.AlertBrush : new XSolidBrush(style.Stroke),
                x + p.Width / 2, ty + status.Size, XStringFormats.BaseLineCenter);
    }

    static void DrawArrow(XGraphics gfx, XPen pen, XBrush brush, PlacedNode from, PlacedNode to, double top, double scale)
    {
        var left = ReportComposer.Left;
        XPoint start, end;
        if (to.Y > from.Y)
        {
            start = new XPoint(left + from.X + from.Width / 2, top + from.Y + from.Height);
            end = new XPoint(left + to.X + to.Width / 2, top + to.Y);
        }
        else if (to.Y < from.Y)
        {
            start = new XPoint(left + from.X + from.Width / 2, top + from.Y);
            end = new XPoint(left + to.X + to.Width / 2, top + to.Y + to.Height);
        }
        else
        {
            var rightward = to.X > from.X;
            start = new XPoint(left + from.X + (rightward ? from.Width : 0), top + from.Y + from.Height / 2);
            end = new XPoint(left + to.X + (rightward ? 0 : to.Width), top + to.Y + to.Height / 2);
        }
        gfx.DrawLine(pen, start, end);
        var angle = Math.Atan2(end.Y - start.Y, end.X - start.X);
        var size = 4.5 * scale;
        XPoint Wing(double turn) => new(end.X - size * Math.Cos(angle + turn), end.Y - size * Math.Sin(angle + turn));
        gfx.DrawPolygon(brush, [end, Wing(0.45), Wing(-0.45)], XFillMode.Winding);
    }
}
