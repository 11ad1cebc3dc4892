using MlLedger.Reports.Diagrams;
using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using MlLedger.Reports.Sections;
using MlLedger.Reports.Verification;

namespace MlLedger.Reports.DatasetImpact;

/// <summary>One dataset and everything downstream of it: derived datasets, model versions, deployments live now.</summary>
public static class DatasetImpactReportPdf
{
    static readonly string[] LiveStatuses = ["live", "deployed", "active", "serving"];

    /// <summary>Whether a deployment status means the deployment serves traffic as of the checkpoint.</summary>
    public static bool IsLive(string status) => LiveStatuses.Contains(status.Trim().ToLowerInvariant());

    /// <summary>Renders the report. The same record always gives the same bytes.</summary>
    public static byte[] Render(DatasetImpactReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var c = new ReportComposer(report.Frame, "Dataset impact report");
        var d = report.Dataset;
        var cp = report.Frame.Checkpoint;
        c.Title("Dataset impact report", $"Dataset {d.Id} and everything downstream of it, as of ledger checkpoint tree size " +
            $"{Text.Number(cp.TreeSize)} ({Text.Time(cp.LedgerTime)}).");
        var live = report.Deployments.Count(x => IsLive(x.Status));
        c.KeyValues([
            new KeyValue("Derived datasets", Text.Number(report.DerivedDatasets.Count)),
            new KeyValue("Affected model versions", Text.Number(report.Models.Count)),
            new KeyValue("Deployments", $"{Text.Number(report.Deployments.Count)}, of which {Text.Number(live)} deployed now",
                Tone: live > 0 ? Tone.Warn : Tone.Plain),
        ], keyWidth: 150);
        if (live > 0 && DatasetBlocks.IsWithdrawn(d))
            c.Callout($"{Text.Plural(live, "deployment serves", "deployments serve")} a model downstream of this withdrawn dataset right now.", Tone.Alert);
        DatasetBlocks.Detail(c, d, $"Dataset {d.Id}");

        c.Heading("Downstream", LineageDrawing.PlannedHeight(report.Downstream));
        LineageDrawing.Draw(c, report.Downstream);

        c.Heading("Derived datasets");
        if (report.DerivedDatasets.Count == 0) c.Nothing("No datasets are derived from this dataset as of this checkpoint.");
        else
            c.Table(
                [new Column("Dataset", 1.8, CellStyle.Bold), new Column("Derived from", 1.5), new Column("SHA-256", 3, CellStyle.Mono), new Column("License", 1),
                 new Column("Personal data", 0.8), new Column("Withdrawn", 1.6), new Column("Seq", 0.8, CellStyle.Number)],
                report.DerivedDatasets.Select(x => new Row([
                    x.Id, string.Join(", ", x.DerivedFrom), x.Sha256, x.License, x.ContainsPersonalData ? "yes" : "no",
                    DatasetBlocks.IsWithdrawn(x) ? DatasetBlocks.Withdrawal(x) : "no", Text.Number(x.Seq),
                ], DatasetBlocks.IsWithdrawn(x) ? Tone.Alert : Tone.Plain)));

        c.Heading("Affected model versions");
        if (report.Models.Count == 0) c.Nothing("No model version was trained or evaluated on this dataset or its derivatives as of this checkpoint.");
        else
            c.Table(
                [new Column("Model", 1.5, CellStyle.Bold), new Column("Version", 0.8), new Column("Relation", 2), new Column("Stage", 0.9),
                 new Column("Artifact SHA-256", 3, CellStyle.Mono), new Column("Seq", 0.8, CellStyle.Number)],
                report.Models.Select(m => new Row(m.Model, m.Version, m.Relation, m.Stage, m.ArtifactSha256, Text.Number(m.Seq))));

        c.Heading("Deployments");
        if (report.Deployments.Count == 0) c.Nothing("No deployment of an affected model version as of this checkpoint.");
        else
            c.Table(
                [new Column("Deployment", 1.3, CellStyle.Bold), new Column("Subject", 1.4), new Column("Environment", 1.4), new Column("Status", 1.2, CellStyle.Bold),
                 new Column("Artifact SHA-256", 2.6, CellStyle.Mono), new Column("Seq", 0.8, CellStyle.Number)],
                report.Deployments.Select(x => new Row([
                    x.DeploymentId, x.Subject, x.Endpoint is null ? x.Environment : $"{x.Environment}\n{x.Endpoint}",
                    IsLive(x.Status) ? $"deployed now ({x.Status})" : x.Status, x.ArtifactSha256, Text.Number(x.Seq),
                ], IsLive(x.Status) ? Tone.Alert : Tone.Plain)));

        VerificationAppendix.Draw(c, report.Frame);
        return c.Finish(ReportManifest.Of(report.Frame), ContentHash.Of(report.Frame.Kind, report));
    }
}
