using PdfSharp.Drawing;

namespace MlLedger.Reports.Rendering;

/// <summary>
/// Measures and wraps text. PDFsharp neither kerns nor shapes, so a string is as wide as the sum of its characters:
/// widths are measured once per font and character and then added up, which keeps large reports fast.
/// </summary>
internal sealed class TextMeasure(XGraphics measureContext)
{
    sealed class Widths
    {
        public readonly double[] Low = new double[0x300];
        public readonly Dictionary<char, double> High = [];
    }

    readonly Dictionary<XFont, Widths> _fonts = new(ReferenceEqualityComparer.Instance);

    Widths TableOf(XFont font)
    {
        if (!_fonts.TryGetValue(font, out var table)) _fonts[font] = table = new Widths();
        return table;
    }

    double CharWidth(char c, XFont font, Widths table)
    {
        if (c < table.Low.Length)
        {
            var w = table.Low[c];
            if (w > 0) return w;
            return table.Low[c] = Math.Max(measureContext.MeasureString(c.ToString(), font).Width, 1e-9);
        }
        if (!table.High.TryGetValue(c, out var h)) table.High[c] = h = measureContext.MeasureString(c.ToString(), font).Width;
        return h;
    }

    public double Width(string text, XFont font)
    {
        var table = TableOf(font);
        double width = 0;
        foreach (var c in text) width += CharWidth(c, font, table);
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
            var rest = word;
            while (rest.Length > 0)
            {
                var cut = Prefix(rest, font, width);
                if (cut == rest.Length)
                {
                    line.Append(rest);
                    lineWidth = Width(rest, font);
                    break;
                }
                lines.Add(rest[..cut]);
                rest = rest[cut..];
            }
        }
        if (line.Length > 0) lines.Add(line.ToString());
    }

    /// <summary>
    /// How many characters of a word too wide for a line go on this line: as many as fit, cut after the 'T' of a
    /// timestamp, else after the last '-', '/', '_', '.' or ':' in the second half of them, if there is one.
    /// </summary>
    int Prefix(string word, XFont font, double width)
    {
        var table = TableOf(font);
        var n = 0;
        double used = 0;
        while (n < word.Length && used + CharWidth(word[n], font, table) <= width) used += CharWidth(word[n++], font, table);
        if (n == word.Length) return n;
        if (n == 0) return 1;
        for (var i = n - 1; i > 0; i--)
            if (word[i] == 'T' && char.IsDigit(word[i - 1]) && i + 1 < word.Length && char.IsDigit(word[i + 1])) return i + 1;
        for (var i = n - 1; i >= n / 2 && i > 0; i--)
            if (word[i] is '-' or '/' or '_' or '.' or ':') return i + 1;
        return n;
    }

    /// <summary>The text cut to fit <paramref name="width"/>, ending in an ellipsis when cut.</summary>
    public string Fit(string text, XFont font, double width)
    {
        if (Width(text, font) <= width) return text;
        var table = TableOf(font);
        var ellipsis = Width("…", font);
        double used = 0;
        var n = 0;
        while (n < text.Length && used + CharWidth(text[n], font, table) + ellipsis <= width)
            used += CharWidth(text[n++], font, table);
        return text[..n] + "…";
    }
}
