using System.Diagnostics;
using System.Security.Cryptography;

namespace MlLedger.Reports.Tests;

public class DeterminismTests
{
    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Theory]
    [MemberData(nameof(PageFrameTests.SampleKinds), MemberType = typeof(PageFrameTests))]
    public void Rendering_the_same_report_twice_gives_the_same_bytes(string kind) =>
        Assert.Equal(Sha(Program.Render(kind)), Sha(Program.Render(kind)));

    [Fact]
    public void Reports_rendered_in_parallel_are_the_same_as_rendered_alone()
    {
        string[] samples = ["compliance", "audit-period", "dataset-impact"];
        var alone = samples.Select(k => Sha(Program.Render(k))).ToList();
        var kinds = Enumerable.Range(0, 4).SelectMany(_ => samples).ToList();
        var parallel = new string[kinds.Count];
        Parallel.For(0, kinds.Count, i => parallel[i] = Sha(Program.Render(kinds[i])));
        for (var i = 0; i < kinds.Count; i++) Assert.Equal(alone[i % alone.Count], parallel[i]);
    }

    [Fact]
    public void Another_process_in_another_time_zone_renders_the_same_bytes()
    {
        var output = Path.Combine(Path.GetTempPath(), $"mlledger-report-{Environment.ProcessId}.pdf");
        try
        {
            var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "render", "compliance", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["TZ"] = "Pacific/Auckland";
            using var child = Process.Start(start)!;
            var stderr = child.StandardError.ReadToEnd();
            child.StandardOutput.ReadToEnd();
            Assert.True(child.WaitForExit(120_000), "the child process did not finish");
            Assert.True(child.ExitCode == 0, stderr);
            Assert.Equal(Sha(Program.Render("compliance")), Sha(File.ReadAllBytes(output)));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void A_different_report_gives_different_document_ids()
    {
        var a = Program.Render("compliance");
        var b = Compliance.ComplianceReportPdf.Render(ReportSamples.Compliance() with
        {
            Model = ReportSamples.Compliance().Model with { Stage = "production" },
        });
        Assert.NotEqual(TrailerId(a), TrailerId(b));
    }

    [Fact]
    public void No_wall_clock_time_appears_in_the_document_dates()
    {
        var pdf = Program.Render("compliance");
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        Assert.Contains("/CreationDate(D:20250314092653+00'00')", text, StringComparison.Ordinal);
        Assert.Contains("<xmp:CreateDate>2025-03-14T09:26:53Z</xmp:CreateDate>", text, StringComparison.Ordinal);
        Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    static string TrailerId(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var at = text.LastIndexOf("/ID", StringComparison.Ordinal);
        Assert.True(at >= 0, "the trailer has no /ID");
        return text.Substring(at, 80);
    }
}
