using UglyToad.PdfPig;

namespace MlLedger.Reports.Tests;

/// <summary>The text of a PDF as a reader extracts it, page by page, with PdfPig.</summary>
public sealed class PdfText(IReadOnlyList<string> pages)
{
    public IReadOnlyList<string> Pages { get; } = pages;

    public static PdfText Of(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return new PdfText(doc.GetPages().Select(p => p.Text).ToList());
    }

    public string All => string.Concat(Pages);

    /// <summary>
    /// Whether the text contains <paramref name="expected"/>, allowing it to be wrapped over lines: lines are drawn
    /// as separate strings, so a wrap loses the space between words (but never reorders or drops characters).
    /// </summary>
    public void Contains(string expected) =>
        Assert.True(Has(expected), $"The PDF text does not contain \"{expected}\".");

    /// <summary>The same question as <see cref="Contains"/>, answered instead of asserted.</summary>
    public bool Has(string expected) =>
        All.Contains(expected, StringComparison.Ordinal) || Squeezed.Contains(Squeeze(expected), StringComparison.Ordinal);

    string Squeezed => _squeezed ??= Squeeze(All);
    string? _squeezed;

    static string Squeeze(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
}
