using MlLedger.Reports.Fonts;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace MlLedger.Reports.Tests;

public class FontTests
{
    [Fact]
    public void Every_font_is_embedded_as_a_subset_with_a_unicode_map()
    {
        using var doc = PdfReader.Open(new MemoryStream(Program.Render("compliance")), PdfDocumentOpenMode.Import);
        var descriptors = doc.Internals.GetAllObjects().OfType<PdfDictionary>()
            .Where(d => d.Elements.GetName("/Type") == "/FontDescriptor").ToList();
        Assert.NotEmpty(descriptors);
        Assert.All(descriptors, d =>
        {
            Assert.True(d.Elements.ContainsKey("/FontFile2"), $"{d.Elements.GetName("/FontName")} is not embedded");
            Assert.Matches("^/[A-Z]{6}\\+DejaVu", d.Elements.GetName("/FontName"));
        });
        var fonts = doc.Internals.GetAllObjects().OfType<PdfDictionary>()
            .Where(d => d.Elements.GetName("/Type") == "/Font" && d.Elements.GetName("/Subtype") is "/Type0" or "/TrueType").ToList();
        Assert.All(fonts, f => Assert.True(f.Elements.ContainsKey("/ToUnicode") || f.Elements.GetName("/Subtype") == "/TrueType",
            $"{f.Elements.GetName("/BaseFont")} has no ToUnicode map"));
    }

    [Fact]
    public void A_missing_font_names_the_file_and_the_package()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SystemFontResolver.Load(["/nonexistent-font-dir"]));
        Assert.Contains("DejaVuSans.ttf", e.Message, StringComparison.Ordinal);
        Assert.Contains(SystemFontResolver.DebianPackage, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Installing_the_resolver_is_idempotent_and_thread_safe()
    {
        Parallel.For(0, 16, _ => ReportFonts.EnsureInstalled());
        Assert.IsType<SystemFontResolver>(PdfSharp.Fonts.GlobalFontSettings.FontResolver);
    }
}
