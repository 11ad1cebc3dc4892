using MlLedger.Reports.Manifest;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace MlLedger.Reports.Tests;

public class ManifestTests
{
    [Theory]
    [MemberData(nameof(PageFrameTests.SampleKinds), MemberType = typeof(PageFrameTests))]
    public void The_manifest_read_back_is_the_frame_the_report_was_rendered_from(string kind)
    {
        var frame = kind switch
        {
            "compliance" => ReportSamples.Compliance().Frame,
            "audit-period" => ReportSamples.AuditPeriod().Frame,
            _ => ReportSamples.DatasetImpact().Frame,
        };
        var manifest = ReportManifest.Read(Program.Render(kind));
        Assert.True(manifest.SameAs(ReportManifest.Of(frame)), "the manifest differs from the report's frame");
        Assert.Equal(frame.Checkpoint.SignedNote, manifest.SignedNote);
        Assert.Equal(frame.Citations.Count, manifest.Citations.Count);
        Assert.Equal(frame.Citations[^1], manifest.Citations[^1]);
    }

    [Fact]
    public void The_manifest_is_a_standard_embedded_file_named_in_the_catalog()
    {
        var pdf = Program.Render("compliance");
        using var doc = UglyToad.PdfPig.PdfDocument.Open(pdf);
        Assert.True(doc.Advanced.TryGetEmbeddedFiles(out var files), "no embedded files");
        var file = Assert.Single(files);
        Assert.Equal(ReportManifest.FileName, file.Name);
        var json = System.Text.Encoding.UTF8.GetString(file.Bytes.ToArray());
        Assert.StartsWith($"{{\"format\":\"{ReportManifest.Format}\",\"kind\":\"compliance\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pdf_without_a_manifest_is_refused()
    {
        Fonts.ReportFonts.EnsureInstalled();
        using var doc = new PdfDocument();
        var page = doc.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page)) gfx.DrawString("not a report", new XFont("DejaVu Sans", 10), XBrushes.Black, 50, 50);
        using var output = new MemoryStream();
        doc.Save(output, false);
        var e = Assert.Throws<FormatException>(() => ReportManifest.Read(output.ToArray()));
        Assert.Contains(ReportManifest.FileName, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty", new byte[0])]
    [InlineData("text", new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f })]
    public void Bytes_that_are_not_a_pdf_are_refused(string why, byte[] bytes)
    {
        Assert.NotNull(why);
        Assert.Throws<FormatException>(() => ReportManifest.Read(bytes));
    }

    [Fact]
    public void A_manifest_of_another_format_is_refused()
    {
        var json = ReportManifest.Of(ReportSamples.Compliance().Frame).ToJson();
        var other = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json).Replace(ReportManifest.Format, "other.v9", StringComparison.Ordinal));
        Assert.Throws<FormatException>(() => ReportManifest.FromJson(other));
    }
}
