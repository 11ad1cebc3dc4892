using PdfSharp.Drawing;

namespace MlLedger.Reports.Rendering;

internal enum CellStyle { Text, Bold, Mono, Number }

/// <summary>A table column: its header, its share of the page width and how its cells are printed.</summary>
internal sealed record Column(string Header, double Weight, CellStyle Style = CellStyle.Text);

/// <summary>A table row; a <see cref="Tone"/> other than plain highlights the whole row.</summary>
internal sealed record Row(IReadOnlyList<string> Cells, Tone Tone = Tone.Plain)
{
    public Row(params string[] cells) : this(cells, Tone.Plain) { }
}

internal sealed partial class ReportComposer
{
    const double CellPad = 3;

    /// <summary>
    /// Draws a table: cells wrap inside their column, rows alternate shading, and the header row is repeated at the
    /// top of every page the table runs onto. Rows are consumed lazily so very long tables stay cheap.
    /// </summary>
    public void Table(IReadOnlyList<Column> columns, IEnumerable<Row> rows)
    {
        var total = columns.Sum(c => c.Weight);
        var widths = columns.Select(c => Width * c.Weight / total).ToArray();
        var headerLines = columns.Select((c, i) => Measure.Wrap(c.Header, Theme.CellBold, widths[i] - 2 * CellPad)).ToArray();
        var headerHeight = headerLines.Max(l => l.Count) * LineHeight(Theme.CellBold) + 2 * CellPad;

        var zebra = false;
        var first = true;
        foreach (var row in rows)
        {
            var cellLines = new List<string>[columns.Count];
            double height = 0;
            for (var i = 0; i < columns.Count; i++)
            {
                var font = FontOf(columns[i].Style);
                var text = i < row.Cells.Count ? row.Cells[i] : "";
                cellLines[i] = Measure.Wrap(text, font, widths[i] - 2 * CellPad);
                height = Math.Max(height, cellLines[i].Count * LineHeight(font));
            }
            height += 2 * CellPad;
            if (first || Y + height > ContentBottom)
            {
                if (first) Ensure(headerHeight + height);
                else NewPage();
                DrawTableHeader(columns, widths, headerLines, headerHeight);
                first = false;
                zebra = false;
            }
            DrawRow(columns, widths, cellLines, row.Tone, zebra, height);
            zebra = !zebra;
        }
        if (!first) Gfx.DrawLine(Theme.RulePen, Left, Y, Right, Y);
        Y += 8;
    }

    XFont FontOf(CellStyle style) => style switch
    {
        CellStyle.Bold => Theme.CellBold,
        CellStyle.Mono => Theme.MonoSmall,
        _ => Theme.Cell,
    };

    static double LineHeight(XFont font) => font.Size * 1.3 + (font.Size < 7 ? 1.2 : 0);

    void DrawTableHeader(IReadOnlyList<Column> columns, double[] widths, List<string>[] lines, double height)
    {
        Gfx.DrawRectangle(Theme.HeaderBrush, Left, Y, Width, height);
        var x = Left;
        for (var i = 0; i < columns.Count; i++)
        {
            var y = Y + CellPad;
            foreach (var line in lines[i])
            {
                DrawCellLine(line, Theme.CellBold, Theme.InkBrush, x, widths[i], y, columns[i].Style == CellStyle.Number);
                y += LineHeight(Theme.CellBold);
            }
            x += widths[i];
        }
        Y += height;
        Gfx.DrawLine(Theme.RulePen, Left, Y, Right, Y);
    }

    void DrawRow(IReadOnlyList<Column> columns, double[] widths, List<string>[] cellLines, Tone tone, bool zebra, double height)
    {
        if (tone != Tone.Plain) Gfx.DrawRectangle(Theme.FillOf(tone), Left, Y, Width, height);
        else if (zebra) Gfx.DrawRectangle(Theme.ZebraBrush, Left, Y, Width, height);
        var brush = tone is Tone.Plain or Tone.Good ? Theme.InkBrush : new XSolidBrush(Theme.InkOf(tone));
        var x = Left;
        for (var i = 0; i < columns.Count; i++)
        {
            var font = FontOf(columns[i].Style);
            var y = Y + CellPad;
            foreach (var line in cellLines[i])
            {
                DrawCellLine(line, font, brush, x, widths[i], y, columns[i].Style == CellStyle.Number);
                y += LineHeight(font);
            }
            x += widths[i];
        }
        Y += height;
    }

    void DrawCellLine(string line, XFont font, XBrush brush, double x, double width, double top, bool right)
    {
        if (line.Length == 0) return;
        var baseline = top + font.Size * 0.95;
        if (right) Gfx.DrawString(line, font, brush, x + width - CellPad, baseline, XStringFormats.BaseLineRight);
        else Gfx.DrawString(line, font, brush, x + CellPad, baseline);
    }
}
