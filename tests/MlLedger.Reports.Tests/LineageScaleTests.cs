using System.Text.RegularExpressions;
using MlLedger.Reports.Diagrams;
using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;

namespace MlLedger.Reports.Tests;

public class LineageScaleTests
{
    /// <summary>The diagram alone on pages of its own, so that the kind names in the text come from its legend and table only.</summary>
    static string RenderAlone(LineageDiagram diagram)
    {
        var frame = new ReportFrame(ReportKinds.Compliance, "lineage", ReportSamples.Checkpoint, []);
        using var c = new ReportComposer(frame, "Lineage");
        LineageDrawing.Draw(c, diagram);
        var pdf = c.Finish(ReportManifest.Of(frame), new byte[32]);
        return string.Concat(PdfText.Of(pdf).All.Where(ch => !char.IsWhiteSpace(ch)));
    }

    static int Occurrences(string text, string value) => Regex.Count(text, Regex.Escape(value));

    [Fact]
    public void A_lineage_of_thousands_of_nodes_lists_every_node_left_out_of_the_diagram_once()
    {
        var diagram = ReportSamples.BigLineage(datasets: 1_000, models: 600);
        Assert.Equal(3_400, diagram.Nodes.Count);
        var text = RenderAlone(diagram);

        var said = Regex.Match(text, @"Thediagramshows(\d+)of(\d+)nodes;theother(\d+)arelisted");
        Assert.True(said.Success, "no sentence saying how many nodes are listed");
        var (shown, total, listed) = (int.Parse(said.Groups[1].Value), int.Parse(said.Groups[2].Value), int.Parse(said.Groups[3].Value));
        Assert.Equal(3_400, total);
        Assert.Equal(total, shown + listed);
        Assert.InRange(shown, 1, 200);

        // The nodes left out are the last ones in band order (a band that does not fit ends the diagram).
        var left = LineagePlanner.Bands(diagram).SelectMany(b => b).Skip(shown).ToList();
        var rows = 0;
        foreach (var kind in new[] { LineageKinds.Dataset, LineageKinds.ModelVersion, LineageKinds.Promotion, LineageKinds.Approval, LineageKinds.Deployment })
        {
            var name = LineageDrawing.KindName(kind).Replace(" ", "", StringComparison.Ordinal);
            var expected = left.Count(n => n.Kind == kind);
            Assert.Equal(1 + expected, Occurrences(text, name)); // the legend, then one table row each
            rows += expected;
        }
        Assert.Equal(listed, rows);
        Assert.Contains("Deploymentdep-599production", text, StringComparison.Ordinal);
        Assert.Contains("Datasetdataset-999", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_derived_from_chain_of_a_hundred_thousand_datasets_with_a_cycle_gets_one_band_per_dataset()
    {
        var nodes = Enumerable.Range(0, 100_000).Select(i => new DiagramNode($"ds{i}", LineageKinds.Dataset, $"dataset-{i}", null)).ToList();
        var edges = Enumerable.Range(1, 99_999).Select(i => new DiagramEdge($"ds{i - 1}", $"ds{i}", "derived-from")).Reverse().ToList();
        var bands = LineagePlanner.Bands(new LineageDiagram(nodes, [.. edges, new DiagramEdge("ds99999", "ds0", "derived-from")]));
        // ds0 is walked first: its chain of parents comes back to it, and the cycle is cut there, so ds0 is the deepest.
        Assert.Equal(100_000, bands.Count);
        Assert.Equal("ds1", bands[0].Single().Id);
        Assert.Equal("ds0", bands[^1].Single().Id);
    }
}
