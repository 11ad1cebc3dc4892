using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using PdfSharp.Drawing;

namespace MlLedger.Reports.Diagrams;

/// <summary>
/// Evaluation metrics as horizontal bars drawn with vector graphics: one group per metric, one bar per evaluation
/// (dataset). Each group has its own scale, from zero to 1 when every value lies in [0, 1], else to the group's
/// largest value, so metrics of different units never share an axis.
/// </summary>
internal static class BarChart
{
    const double LabelWidth = 150, BarHeight = 8, BarGap = 3, MinValueWidth = 44;

    static readonly XColor[] Palette =
    [
        XColor.FromArgb(0x2B, 0x6C, 0xB0), XColor.FromArgb(0x2F, 0x85, 0x5A), XColor.FromArgb(0xB7, 0x79, 0x1F),
        XColor.FromArgb(0x6B, 0x46, 0xC1), XColor.FromArgb(0x2C, 0x7A, 0x7B), XColor.FromArgb(0x4A, 0x55, 0x68),
    ];

    public static void Draw(ReportComposer c, IReadOnlyList<EvaluationRow> evaluations)
    {
        var groups = evaluations
            .SelectMany((e, i) => e.Metrics.Select(m => (Metric: m.Name, Label: $"{e.Dataset} (#{Text.Number(e.Seq)})", m.Value, Color: i)))
            .GroupBy(t => t.Metric, StringComparer.Ordinal).ToList();
        // Values are printed exactly, so the plot leaves room for the longest of them (at most 17 significant digits).
        var valueWidth = Math.Max(MinValueWidth, groups.SelectMany(g => g).Select(b => c.Measure.Width(Text.Number(b.Value), c.Theme.Small)).DefaultIfEmpty(0).Max() + 6);
        var plot = ReportComposer.Width - LabelWidth - valueWidth;
        foreach (var group in groups)
        {
            var bars = group.ToList();
            var unit = bars.All(b => b.Value is >= 0 and <= 1);
            var max = unit ? 1 : Math.Max(bars.Max(b => Math.Abs(b.Value)), double.Epsilon);
            var height = 14 + bars.Count * (BarHeight + BarGap) + 12;
            c.Ensure(height);
            c.Gfx.DrawString(group.Key, c.Theme.BodyBold, c.Theme.InkBrush, ReportComposer.Left, c.Y + 9);
            c.Gfx.DrawString(unit ? "scale 0 – 1" : $"scale 0 – {Text.Tick(max)}", c.Theme.Small, c.Theme.MutedBrush,
                ReportComposer.Right, c.Y + 9, XStringFormats.BaseLineRight);
            c.Y += 14;
            var x0 = ReportComposer.Left + LabelWidth;
            var axisTop = c.Y;
            foreach (var bar in bars)
            {
                var label = c.Measure.Fit(bar.Label, c.Theme.Small, LabelWidth - 6);
                c.Gfx.DrawString(label, c.Theme.Small, c.Theme.InkBrush, x0 - 6, c.Y + BarHeight - 1.5, XStringFormats.BaseLineRight);
                var w = plot * Math.Clamp(Math.Abs(bar.Value) / max, 0, 1);
                c.Gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xE9, 0xED, 0xF2)), x0, c.Y, plot, BarHeight);
                if (w > 0) c.Gfx.DrawRectangle(new XSolidBrush(Palette[bar.Color % Palette.Length]), x0, c.Y, w, BarHeight);
                c.Gfx.DrawString(Text.Number(bar.Value), c.Theme.Small, c.Theme.InkBrush, x0 + plot + 4, c.Y + BarHeight - 1.5);
                c.Y += BarHeight + BarGap;
            }
            c.Gfx.DrawLine(c.Theme.RulePen, x0, axisTop - 2, x0, c.Y);
            for (var t = 1; t <= 4; t++)
            {
                var x = x0 + plot * t / 4;
                c.Gfx.DrawLine(new XPen(XColor.FromArgb(0xFF, 0xFF, 0xFF), 0.6), x, axisTop, x, c.Y - BarGap);
            }
            c.Y += 10;
        }
    }
}
