namespace MlLedger.Reports.Tests;

public class PageFrameTests
{
    public static TheoryData<string> SampleKinds => new() { "compliance", "audit-period", "dataset-impact" };

    [Theory]
    [MemberData(nameof(SampleKinds))]
    public void Every_page_has_the_header_and_a_footer_with_page_x_of_y_the_checkpoint_and_the_ledger_time(string kind)
    {
        var text = PdfText.Of(Program.Render(kind));
        var cp = ReportSamples.Checkpoint;
        Assert.True(text.Pages.Count > 1, "the samples should run over several pages");
        for (var i = 0; i < text.Pages.Count; i++)
        {
            var page = text.Pages[i];
            Assert.Contains("MlLedger · ", page, StringComparison.Ordinal);
            Assert.Contains($"Page {i + 1} of {text.Pages.Count}", page, StringComparison.Ordinal);
            Assert.Contains($"tree size {cp.TreeSize}", page, StringComparison.Ordinal);
            Assert.Contains($"root {cp.RootPrefix}", page, StringComparison.Ordinal);
            Assert.Contains("Generated 2025-03-14T09:26:53Z", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_header_names_the_subject_of_the_report()
    {
        var text = PdfText.Of(Program.Render("dataset-impact"));
        Assert.All(text.Pages, p => Assert.Contains("raw-transactions-2024", p, StringComparison.Ordinal));
        Assert.All(text.Pages, p => Assert.Contains("Dataset impact report", p, StringComparison.Ordinal));
    }
}
