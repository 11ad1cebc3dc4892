using MlLedger.Reports.Compliance;
using MlLedger.Reports.Model;

namespace MlLedger.Reports.Tests;

public class MetricValueTests
{
    [Theory]
    [InlineData(0.89996, "0.89996")]
    [InlineData(3.0, "3")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(41.5, "41.5")]
    [InlineData(-0.25, "-0.25")]
    public void A_metric_value_prints_as_the_shortest_text_that_reads_back_as_the_same_double(double value, string expected) =>
        Assert.Equal(expected, Rendering.Text.Number(value));

    [Fact]
    public void A_metric_just_below_a_threshold_prints_exactly_in_the_table_and_the_chart()
    {
        var sample = ReportSamples.Compliance();
        var report = sample with
        {
            Evaluations = [new EvaluationRow("holdout-q4-2024", [new Metric("auc", 0.89996), new Metric("folds", 3)], "eval-bot", sample.Evaluations[0].At, 30)],
            Decisions = [sample.Decisions[0] with
            {
                Allowed = false,
                Rules = [new RuleRow("promotion.yaml", "min-auc", "threshold", "failed", "auc >= 0.9 required")],
            }],
        };
        var text = PdfText.Of(ComplianceReportPdf.Render(report)).All;

        // Once in the evaluations table, once at the end of the bar.
        Assert.Equal(2, Occurrences(text, "0.89996"));
    }

    static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
