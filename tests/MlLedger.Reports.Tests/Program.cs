using System.Diagnostics;
using MlLedger.Reports.AuditPeriod;
using MlLedger.Reports.Compliance;
using MlLedger.Reports.DatasetImpact;

namespace MlLedger.Reports.Tests;

/// <summary>
/// <c>dotnet MlLedger.Reports.Tests.dll render KIND OUT.pdf</c> renders a sample report in a process of its own,
/// so that tests can compare its bytes with an in-process render, and people can look at the pages.
/// </summary>
public static class Program
{
    public static readonly string[] Kinds = ["compliance", "audit-period", "dataset-impact", "large-audit-period", "big-lineage"];

    public static byte[] Render(string kind) => kind switch
    {
        "compliance" => ComplianceReportPdf.Render(ReportSamples.Compliance()),
        "audit-period" => AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod()),
        "dataset-impact" => DatasetImpactReportPdf.Render(ReportSamples.DatasetImpact()),
        "large-audit-period" => AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod(promotions: 20_000, citations: 100_000)),
        "many-promotions" => AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod(promotions: 20_000, citations: 10)),
        "many-citations" => AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod(promotions: 10, citations: 100_000)),
        "big-lineage" => ComplianceReportPdf.Render(ReportSamples.Compliance() with { Lineage = ReportSamples.BigLineage(datasets: 14, models: 12) }),
        "huge-lineage" => ComplianceReportPdf.Render(ReportSamples.Compliance() with { Lineage = ReportSamples.BigLineage(datasets: 5_000, models: 1_250) }),
        _ => throw new ArgumentException($"Unknown sample {kind}; one of {string.Join(", ", Kinds)}."),
    };

    public static int Main(string[] args)
    {
        if (args is not ["render", var kind, var output]) return 2;
        Render("compliance"); // warm up fonts and JIT so the timing below is the render alone
        var watch = Stopwatch.StartNew();
        var pdf = Render(kind);
        Console.WriteLine($"{kind}: {pdf.Length} bytes in {watch.ElapsedMilliseconds} ms");
        File.WriteAllBytes(output, pdf);
        return 0;
    }
}
