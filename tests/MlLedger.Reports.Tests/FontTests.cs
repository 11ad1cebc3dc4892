using System.Security.Cryptography;
using MlLedger.Reports.Fonts;
using MlLedger.Reports.Rendering;
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

    /// <summary>The installed DejaVuSans.ttf, found independently of the resolver: Debian's fonts-dejavu-core path first.</summary>
    static string InstalledSans()
    {
        const string debian = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        return File.Exists(debian) ? debian
            : Directory.EnumerateFiles("/usr/share/fonts", "DejaVuSans.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
    }

    [Fact]
    public void The_verification_appendix_prints_the_sha256_of_the_installed_font_files()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(InstalledSans())));
        Assert.Equal(new FontFileDigest("DejaVuSans.ttf", sha), ReportFonts.Digests[0]);
        Assert.Equal(["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"], ReportFonts.Digests.Select(d => d.FileName));

        var text = PdfText.Of(Program.Render("compliance"));
        text.Contains($"Fonts: DejaVuSans.ttf sha256 {sha}, DejaVuSans-Bold.ttf sha256 {ReportFonts.Digests[1].Sha256}");
        text.Contains($"DejaVuSansMono-Bold.ttf sha256 {ReportFonts.Digests[3].Sha256}");
    }

    [Fact]
    public void Other_font_files_give_another_content_hash()
    {
        var report = ReportSamples.Compliance();
        var installed = ContentHash.Of(report.Frame.Kind, report, ReportFonts.Digests);
        var other = ReportFonts.Digests.Select((d, i) => i == 0 ? d with { Sha256 = ReportSamples.Hex("DejaVuSans.ttf 2.37") } : d).ToList();
        Assert.Equal(installed, ContentHash.Of(report.Frame.Kind, report));
        Assert.NotEqual(installed, ContentHash.Of(report.Frame.Kind, report, other));
    }
}
