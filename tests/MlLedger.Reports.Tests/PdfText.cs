using UglyToad.PdfPig;

namespace MlLedger.Reports.Tests;

/// <summary>The text of a PDF as a reader extracts it, page by page, with PdfPig.</summary>
public sealed record PdfText(IReadOnlyList<string> Pages)
{
    public static PdfText Of(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return new PdfText(doc.GetPages().Select(p => p.Text).ToList());
    }

    public string All => string.Concat(Pages);

    public void Contains(string expected) =>
        Assert.True(All.Contains(expected, StringComparison.Ordinal), $"The PDF text does not contain \"{expected}\".");
}
