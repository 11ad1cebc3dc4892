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

    [Theory]
    [InlineData(500, false)]
    [InlineData(3_000, true)]
    public void Many_blocked_attempts_are_listed_in_groups_and_a_few_one_by_one(int attempts, bool grouped)
    {
        var blocked = Enumerable.Range(0, attempts).Select(i => new Model.DeploymentRow($"dep-{i:D5}", $"model-{i % 3}@1", "prod-eu", null,
            ReportSamples.Hex("a"), "blocked", "ci-bot", new DateTimeOffset(2025, 2, 3, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
            $"stage-not-reached: model-{i % 3}@1 is in stage 'none'", 10_000 + i)).ToList();
        var report = ReportSamples.AuditPeriod() with { BlockedDeployments = blocked };

        var text = PdfText.Of(AuditPeriodReportPdf.Render(report));

        Assert.Equal(grouped, text.Has($"{attempts} blocked attempts, more than 500, are listed in 3 groups"));
        Assert.Equal(!grouped, text.Has("dep-00499"));
        if (grouped)
        {
            text.Contains("#10000 to #12997"); // the first group's entries, first to last
            text.Contains("model-0@1");
        }
    }
}
