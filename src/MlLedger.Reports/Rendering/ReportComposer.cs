using MlLedger.Reports.Fonts;
using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace MlLedger.Reports.Rendering;

/// <summary>
/// Lays a report out on A4 pages top to bottom: a cursor <see cref="Y"/> moves down as blocks are drawn and a new
/// page starts when a block does not fit. Every page gets a header when it starts; footers ("Page x of y") are drawn
/// by <see cref="Finish"/>, once the number of pages is known.
/// </summary>
internal sealed partial class ReportComposer : IDisposable
{
    public const double PageWidth = 595.276;
    public const double PageHeight = 841.89;
    public const double Margin = 36;
    public const double ContentTop = 62;
    public const double ContentBottom = PageHeight - 54;

    readonly PdfDocument _document = new();
    readonly List<PdfPage> _pages = [];
    readonly ReportFrame _frame;
    readonly string _title;
    readonly XGraphics _measureContext;
    XGraphics? _gfx;

    public ReportComposer(ReportFrame frame, string title)
    {
        ReportFonts.EnsureInstalled();
        _frame = frame;
        _title = title;
        _document.Options.CompressContentStreams = true;
        _document.Info.Title = $"{title}: {frame.Subject}";
        _document.Info.Subject = $"{frame.Kind} report as of tree size {frame.Checkpoint.TreeSize}";
        _document.Info.Creator = "MlLedger";
        _measureContext = XGraphics.CreateMeasureContext(new XSize(PageWidth, PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
        Theme = new Theme();
        Measure = new TextMeasure(_measureContext);
        NewPage();
    }

    public Theme Theme { get; }
    public TextMeasure Measure { get; }
    public double Y { get; set; }
    public static double Left => Margin;
    public static double Right => PageWidth - Margin;
    public static double Width => PageWidth - 2 * Margin;
    public double Remaining => ContentBottom - Y;
    public int PageCount => _pages.Count;
    public XGraphics Gfx => _gfx ?? throw new InvalidOperationException("The report is finished.");

    public void NewPage()
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _pages.Add(page);
        _gfx = XGraphics.FromPdfPage(page);
        DrawHeader(_gfx);
        Y = ContentTop;
    }

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void Ensure(double height)
    {
        if (Y + height > ContentBottom && Y > ContentTop) NewPage();
    }

    public void Space(double height) => Y = Math.Min(Y + height, ContentBottom);

    void DrawHeader(XGraphics gfx)
    {
        const double baseline = 36;
        var kind = $"MlLedger · {_title}";
        gfx.DrawString(kind, Theme.SmallBold, Theme.AccentBrush, Left, baseline);
        var room = Width - Measure.Width(kind, Theme.SmallBold) - 24;
        var subject = Measure.Fit(_frame.Subject, Theme.Small, room);
        gfx.DrawString(subject, Theme.Small, Theme.MutedBrush, Right, baseline, XStringFormats.BaseLineRight);
        gfx.DrawLine(Theme.RulePen, Left, baseline + 5, Right, baseline + 5);
    }

    void DrawFooter(XGraphics gfx, int number)
    {
        var cp = _frame.Checkpoint;
        var top = ContentBottom + 16;
        gfx.DrawLine(Theme.RulePen, Left, top, Right, top);
        gfx.DrawString($"As of checkpoint {cp.Origin} · tree size {Text.Number(cp.TreeSize)} · root {cp.RootPrefix}…",
            Theme.Small, Theme.MutedBrush, Left, top + 10);
        gfx.DrawString($"Generated {Text.Time(cp.LedgerTime)} (ledger time of the checkpoint)",
            Theme.Small, Theme.MutedBrush, Left, top + 19);
        gfx.DrawString($"Page {number} of {_pages.Count}", Theme.SmallBold, Theme.InkBrush, Right, top + 10, XStringFormats.BaseLineRight);
    }

    /// <summary>Draws every footer, embeds the manifest and returns the PDF bytes. The composer is unusable afterwards.</summary>
    public byte[] Finish(ReportManifest manifest, byte[] contentHash)
    {
        _gfx?.Dispose();
        _gfx = null;
        for (var i = 0; i < _pages.Count; i++)
        {
            using var gfx = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
            DrawFooter(gfx, i + 1);
        }
        ManifestEmbedding.Attach(_document, manifest);
        return DeterministicPdf.Save(_document, _frame.Checkpoint.LedgerTime, contentHash);
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _measureContext.Dispose();
        _document.Dispose();
    }
}
