using System.Runtime.CompilerServices;
using PdfSharp.Drawing;

namespace MlLedger.Reports.Rendering;

/// <summary>
/// Measures and wraps text. PDFsharp neither kerns nor shapes, so a string is as wide as the sum of its characters:
/// widths are measured once per font and character and then added up, which keeps large reports fast.
/// </summary>
internal sealed class TextMeasure(XGraphics measureContext)
{
    readonly ConditionalWeakTable<XFont, Dictionary<char, double>> _widths = new();

    public double Width(string text, XFont font)
    {
        var table = _widths.GetValue(font, static _ => new Dictionary<char, double>());
        double width = 0;
        foreach (var c in text)
        {
            if (!table.TryGetValue(c, out var w))
            {
                w = measureContext.MeasureString(c.ToString(), font).Width;
                table[c] = w;
            }
            width += w;
        }
        return width;
    }

    /// <summary>
    /// Greedy word wrap to <paramref name="width"/>. Line breaks in the text are kept; a word wider than the line
    /// (a digest, a URI) is broken between characters.
    /// </summary>
    public List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            WrapParagraph(paragraph, font, width, lines);
        return lines;
    }

    void WrapParagraph(string paragraph, XFont font, double width, List<string> lines)
    {
        if (Width(paragraph, font) <= width)
        {
            lines.Add(paragraph);
            return;
        }
        var space = Width(" ", font);
        var line = new System.Text.StringBuilder();
        double lineWidth = 0;
        foreach (var word in paragraph.Split(' '))
        {
            var w = Width(word, font);
            if (line.Length > 0 && lineWidth + space + w <= width)
            {
                line.Append(' ').Append(word);
                lineWidth += space + w;
                continue;
            }
            if (line.Length > 0)
            {
                lines.Add(line.ToString());
                line.Clear();
                lineWidth = 0;
            }
            if (w <= width)
            {
                line.Append(word);
                lineWidth = w;
                continue;
            }
            foreach (var c in word)
            {
                var cw = Width(c.ToString(), font);
                if (lineWidth + cw > width && line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    lineWidth = 0;
                }
                line.Append(c);
                lineWidth += cw;
            }
        }
        if (line.Length > 0) lines.Add(line.ToString());
    }

    /// <summary>The text cut to fit <paramref name="width"/>, ending in an ellipsis when cut.</summary>
    public string Fit(string text, XFont font, double width)
    {
        if (Width(text, font) <= width) return text;
        var ellipsis = Width("…", font);
        double used = 0;
        var n = 0;
        while (n < text.Length && used + Width(text[n].ToString(), font) + ellipsis <= width)
            used += Width(text[n++].ToString(), font);
        return text[..n] + "…";
    }
}
