using PdfSharp.Drawing;

namespace MlLedger.Reports.Rendering;

/// <summary>A label and its value in a key–value block; <see cref="Mono"/> prints digests in monospace.</summary>
internal sealed record KeyValue(string Key, string Value, bool Mono = false, Tone Tone = Tone.Plain);

internal sealed partial class ReportComposer
{
    public void Title(string text, string subtitle)
    {
        Ensure(60);
        Gfx.DrawString(text, Theme.Title, Theme.AccentBrush, Left, Y + 18);
        Y += 28;
        Paragraph(subtitle, Theme.Body, Theme.MutedBrush);
        Space(6);
    }

    /// <summary>A section heading; kept on the same page as at least <paramref name="keepWithNext"/> points of what follows.</summary>
    public void Heading(string text, double keepWithNext = 60)
    {
        Space(8);
        Ensure(24 + keepWithNext);
        Gfx.DrawString(text, Theme.H1, Theme.AccentBrush, Left, Y + 13);
        Y += 18;
        Gfx.DrawLine(Theme.AccentPen, Left, Y, Right, Y);
        Y += 7;
    }

    public void Subheading(string text, double keepWithNext = 40)
    {
        Space(4);
        Ensure(16 + keepWithNext);
        foreach (var line in Measure.Wrap(text, Theme.H2, Width))
        {
            Gfx.DrawString(line, Theme.H2, Theme.InkBrush, Left, Y + 10);
            Y += 14;
        }
        Y += 2;
    }

    public void Paragraph(string text, XFont? font = null, XBrush? brush = null, double indent = 0)
    {
        font ??= Theme.Body;
        var lineHeight = font.Size * 1.35;
        foreach (var line in Measure.Wrap(text, font, Width - indent))
        {
            Ensure(lineHeight);
            Gfx.DrawString(line, font, brush ?? Theme.InkBrush, Left + indent, Y + font.Size);
            Y += lineHeight;
        }
        Y += 3;
    }

    /// <summary>The sentence an empty section prints instead of an empty table.</summary>
    public void Nothing(string sentence) => Paragraph(sentence, Theme.Body, Theme.MutedBrush);

    /// <summary>A boxed, coloured paragraph for what an auditor must not miss (withdrawn data, denials, exceptions).</summary>
    public void Callout(string text, Tone tone)
    {
        const double pad = 5;
        var font = Theme.BodyBold;
        var lineHeight = font.Size * 1.35;
        var lines = Measure.Wrap(text, font, Width - 2 * pad - 4);
        var height = lines.Count * lineHeight + 2 * pad;
        Ensure(height + 4);
        Gfx.DrawRectangle(Theme.FillOf(tone), Left, Y, Width, height);
        Gfx.DrawRectangle(new XSolidBrush(Theme.InkOf(tone)), Left, Y, 3, height);
        var brush = new XSolidBrush(Theme.InkOf(tone));
        var y = Y + pad;
        foreach (var line in lines)
        {
            Gfx.DrawString(line, font, brush, Left + pad + 4, y + font.Size);
            y += lineHeight;
        }
        Y += height + 6;
    }

    public void KeyValues(IReadOnlyList<KeyValue> pairs, double keyWidth = 120)
    {
        var valueWidth = Width - keyWidth;
        foreach (var pair in pairs)
        {
            var font = pair.Tone == Tone.Plain ? (pair.Mono ? Theme.Mono : Theme.Body) : (pair.Mono ? Theme.MonoBold : Theme.BodyBold);
            var lineHeight = Math.Max(font.Size, Theme.Body.Size) * 1.4;
            var lines = Measure.Wrap(pair.Value, font, valueWidth - 4);
            Ensure(lineHeight * Math.Min(lines.Count, 3));
            var brush = pair.Tone == Tone.Plain ? Theme.InkBrush : new XSolidBrush(Theme.InkOf(pair.Tone));
            if (pair.Tone != Tone.Plain)
                Gfx.DrawRectangle(Theme.FillOf(pair.Tone), Left + keyWidth - 2, Y, valueWidth + 2, lineHeight * lines.Count);
            Gfx.DrawString(pair.Key, Theme.BodyBold, Theme.MutedBrush, Left, Y + Theme.Body.Size);
            foreach (var line in lines)
            {
                Ensure(lineHeight);
                Gfx.DrawString(line, font, brush,
                    Left + keyWidth, Y + Theme.Body.Size);
                Y += lineHeight;
            }
        }
        Y += 4;
    }

    /// <summary>Text in monospace, kept verbatim line by line (a signed note); long lines wrap at the margin.</summary>
    public void Verbatim(string text, XFont? font = null)
    {
        font ??= Theme.Mono;
        var lineHeight = font.Size * 1.35;
        var lines = Measure.Wrap(text.TrimEnd('\n'), font, Width - 12);
        var height = lines.Count * lineHeight + 10;
        if (height <= ContentBottom - ContentTop) Ensure(height);
        var boxTop = Y;
        Y += 5;
        foreach (var line in lines)
        {
            if (Y + lineHeight > ContentBottom - 5)
            {
                Gfx.DrawRectangle(Theme.RulePen, Left, boxTop, Width, Y - boxTop + 5);
                NewPage();
                boxTop = Y;
                Y += 5;
            }
            Gfx.DrawString(line, font, Theme.InkBrush, Left + 6, Y + font.Size);
            Y += lineHeight;
        }
        Y += 5;
        Gfx.DrawRectangle(Theme.RulePen, Left, boxTop, Width, Y - boxTop);
        Y += 6;
    }
}
