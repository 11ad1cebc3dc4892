using System.Diagnostics;
using MlLedger.Reports.AuditPeriod;
using MlLedger.Reports.Manifest;
using Xunit.Abstractions;

namespace MlLedger.Reports.Tests;

public class LargeReportTests(ITestOutputHelper output)
{
    [Fact]
    public void An_audit_period_of_twenty_thousand_promotions_and_a_hundred_thousand_citations_renders_with_its_manifest()
    {
        var report = ReportSamples.AuditPeriod(promotions: 20_000, citations: 100_000);
        var watch = Stopwatch.StartNew();
        var pdf = AuditPeriodReportPdf.Render(report);
        output.WriteLine($"rendered {pdf.Length:N0} bytes in {watch.ElapsedMilliseconds} ms (informational, not asserted)");

        var manifest = ReportManifest.Read(pdf);
        Assert.Equal(100_000, manifest.Citations.Count);
        Assert.Equal(report.Frame.Citations[99_999], manifest.Citations[99_999]);

        using var doc = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var last = doc.GetPage(doc.NumberOfPages).Text;
        Assert.Contains($"Page {doc.NumberOfPages} of {doc.NumberOfPages}", last, StringComparison.Ordinal);
        Assert.Contains(report.Frame.Citations[^1].LeafHash, last, StringComparison.Ordinal);
    }
}
