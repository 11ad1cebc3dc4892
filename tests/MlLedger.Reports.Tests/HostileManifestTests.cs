using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Reports.Manifest;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace MlLedger.Reports.Tests;

/// <summary>
/// <see cref="ReportManifest.Read"/> runs on PDFs auditors receive from anyone: every hostile input here must be a
/// <see cref="FormatException"/>, thrown without reading more than the caps allow.
/// </summary>
public class HostileManifestTests
{
    static readonly byte[] Report = Program.Render("compliance");
    static readonly string ValidJson = Encoding.UTF8.GetString(ReportManifest.Of(ReportSamples.Compliance().Frame).ToJson());

    /// <summary>A one-page PDF whose embedded manifest stream is <paramref name="deflated"/>, as given.</summary>
    static byte[] PdfWithManifestStream(byte[] deflated, int declaredSize)
    {
        Fonts.ReportFonts.EnsureInstalled();
        using var doc = new PdfDocument();
        var page = doc.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page)) gfx.DrawString("hostile", new XFont("DejaVu Sans", 10), XBrushes.Black, 50, 50);
        ManifestEmbedding.Attach(doc, deflated, declaredSize);
        using var output = new MemoryStream();
        doc.Save(output, false);
        return output.ToArray();
    }

    static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    /// <summary>300 MiB of zeros, deflated to well under a megabyte, written without holding the 300 MiB.</summary>
    static byte[] ZeroBomb()
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 300; i++) z.Write(zeros);
        }
        return output.ToArray();
    }

    [Fact]
    public void A_valid_manifest_embedded_by_hand_is_read_so_the_hostile_pdfs_below_differ_only_in_it()
    {
        var json = Encoding.UTF8.GetBytes(ValidJson);
        var manifest = ReportManifest.Read(PdfWithManifestStream(Deflate(json), json.Length));
        Assert.True(manifest.SameAs(ReportManifest.Of(ReportSamples.Compliance().Frame)));
    }

    [Fact]
    public void A_deflate_bomb_as_the_manifest_is_refused_at_the_inflate_cap()
    {
        var bomb = ZeroBomb();
        Assert.InRange(bomb.Length, 1, 2 << 20);
        var e = Assert.Throws<FormatException>(() => ReportManifest.Read(PdfWithManifestStream(bomb, 100)));
        Assert.Contains($"more than {ReportManifest.MaxManifestBytes:N0} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_one_byte_over_a_lowered_cap_is_refused_and_one_at_the_cap_is_read()
    {
        var json = Encoding.UTF8.GetBytes(ValidJson);
        var pdf = PdfWithManifestStream(Deflate(json), json.Length);
        Assert.Throws<FormatException>(() => ReportManifest.Read(pdf, ReportManifest.MaxPdfBytes, json.Length - 1));
        Assert.Equal(ReportSamples.Compliance().Frame.Citations.Count, ReportManifest.Read(pdf, ReportManifest.MaxPdfBytes, json.Length).Citations.Count);
    }

    [Fact]
    public void A_pdf_over_the_size_cap_is_refused_before_it_is_parsed()
    {
        var e = Assert.Throws<FormatException>(() => ReportManifest.Read(new byte[ReportManifest.MaxPdfBytes + 1]));
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ReportManifest.Read(Report, Report.Length - 1, ReportManifest.MaxManifestBytes));
        Assert.NotNull(ReportManifest.Read(Report, Report.Length, ReportManifest.MaxManifestBytes));
    }

    [Theory]
    [InlineData("not-deflate")]
    [InlineData("truncated-deflate")]
    public void A_manifest_stream_that_does_not_inflate_is_refused(string corruption)
    {
        var good = Deflate(Encoding.UTF8.GetBytes(ValidJson));
        var stream = corruption == "not-deflate" ? Encoding.ASCII.GetBytes("definitely not zlib data") : good[..(good.Length / 2)];
        Assert.Throws<FormatException>(() => ReportManifest.Read(PdfWithManifestStream(stream, 100)));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void A_truncated_report_is_refused(double kept) =>
        Assert.Throws<FormatException>(() => ReportManifest.Read(Report[..(int)(Report.Length * kept)]));

    [Theory]
    [InlineData(1, false)]
    [InlineData(1_000, false)]
    [InlineData(100_000, false)]
    [InlineData(1_000, true)]
    [InlineData(100_000, true)]
    public void Random_bytes_are_refused(int length, bool pdfHeader)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        if (pdfHeader) "%PDF-1.7\n"u8.CopyTo(bytes);
        Assert.Throws<FormatException>(() => ReportManifest.Read(bytes));
    }

    [Fact]
    public void A_report_with_bytes_overwritten_in_its_manifest_stream_is_refused()
    {
        // Garble 40 bytes inside the manifest's compressed stream, keeping the PDF's structure (and length) intact.
        var pdf = (byte[])Report.Clone();
        var dictionary = pdf.AsSpan().IndexOf("/Type/EmbeddedFile/"u8);
        Assert.True(dictionary > 0, "the manifest's stream dictionary was not found");
        var at = dictionary + pdf.AsSpan(dictionary).IndexOf(">>\nstream\n"u8) + ">>\nstream\n".Length;
        for (var i = at + 20; i < at + 60; i++) pdf[i] ^= 0x5A;
        Assert.Throws<FormatException>(() => ReportManifest.Read(pdf));
        Assert.NotNull(ReportManifest.Read(Report));
    }
}
