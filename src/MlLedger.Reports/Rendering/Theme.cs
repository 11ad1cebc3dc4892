using MlLedger.Reports.Fonts;
using PdfSharp.Drawing;

namespace MlLedger.Reports.Rendering;

/// <summary>The fonts and colours of one document. XFont instances are created once per document and reused.</summary>
internal sealed class Theme
{
    public XFont Title { get; } = ReportFonts.Bold(18);
    public XFont H1 { get; } = ReportFonts.Bold(13);
    public XFont H2 { get; } = ReportFonts.Bold(10.5);
    public XFont Body { get; } = ReportFonts.Regular(8.5);
    public XFont BodyBold { get; } = ReportFonts.Bold(8.5);
    public XFont Cell { get; } = ReportFonts.Regular(7.5);
    public XFont CellBold { get; } = ReportFonts.Bold(7.5);
    public XFont Small { get; } = ReportFonts.Regular(6.5);
    public XFont SmallBold { get; } = ReportFonts.Bold(6.5);
    public XFont Mono { get; } = ReportFonts.Mono(7);
    public XFont MonoSmall { get; } = ReportFonts.MonoAnsi(6);
    public XFont MonoTiny { get; } = ReportFonts.MonoAnsi(5.5);
    public XFont MonoBold { get; } = ReportFonts.MonoBold(7);

    public static readonly XColor Ink = XColor.FromArgb(0x1F, 0x29, 0x33);
    public static readonly XColor Muted = XColor.FromArgb(0x5F, 0x6B, 0x7A);
    public static readonly XColor Rule = XColor.FromArgb(0xC4, 0xCC, 0xD5);
    public static readonly XColor Zebra = XColor.FromArgb(0xF3, 0xF5, 0xF8);
    public static readonly XColor HeaderFill = XColor.FromArgb(0xE1, 0xE7, 0xEE);
    public static readonly XColor Accent = XColor.FromArgb(0x1F, 0x4E, 0x79);
    public static readonly XColor Alert = XColor.FromArgb(0xB4, 0x23, 0x18);
    public static readonly XColor AlertFill = XColor.FromArgb(0xFD, 0xE8, 0xE6);
    public static readonly XColor Good = XColor.FromArgb(0x1E, 0x7B, 0x34);
    public static readonly XColor GoodFill = XColor.FromArgb(0xE6, 0xF4, 0xEA);
    public static readonly XColor Warn = XColor.FromArgb(0x8A, 0x5A, 0x00);
    public static readonly XColor WarnFill = XColor.FromArgb(0xFF, 0xF4, 0xD6);

    public XSolidBrush InkBrush { get; } = new(Ink);
    public XSolidBrush MutedBrush { get; } = new(Muted);
    public XSolidBrush AccentBrush { get; } = new(Accent);
    public XSolidBrush AlertBrush { get; } = new(Alert);
    public XSolidBrush GoodBrush { get; } = new(Good);
    public XSolidBrush ZebraBrush { get; } = new(Zebra);
    public XSolidBrush HeaderBrush { get; } = new(HeaderFill);
    public XPen RulePen { get; } = new(Rule, 0.5);
    public XPen AccentPen { get; } = new(Accent, 0.8);

    public static XSolidBrush FillOf(Tone tone) => tone switch
    {
        Tone.Alert => new XSolidBrush(AlertFill),
        Tone.Good => new XSolidBrush(GoodFill),
        Tone.Warn => new XSolidBrush(WarnFill),
        _ => new XSolidBrush(Zebra),
    };

    public static XColor InkOf(Tone tone) => tone switch
    {
        Tone.Alert => Alert,
        Tone.Good => Good,
        Tone.Warn => Warn,
        _ => Ink,
    };
}

/// <summary>How a row or a callout is highlighted.</summary>
internal enum Tone { Plain, Good, Warn, Alert }
