using MlLedger.Reports.Diagrams;
using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using MlLedger.Reports.Sections;
using MlLedger.Reports.Verification;

namespace MlLedger.Reports.Compliance;

/// <summary>The compliance report of one model version: everything that led to it and happened to it, as of a checkpoint.</summary>
public static class ComplianceReportPdf
{
    /// <summary>Renders the report. The same record always gives the same bytes.</summary>
    public static byte[] Render(ComplianceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var c = new ReportComposer(report.Frame, "Compliance report");
        Cover(c, report);

        c.Heading("Lineage", LineageDrawing.PlannedHeight(report.Lineage) + 30);
        c.Paragraph("From the datasets (upstream first) to the model version, its promotions, approvals and policy decisions, and its deployments.",
            c.Theme.Body, c.Theme.MutedBrush);
        LineageDrawing.Draw(c, report.Lineage);

        c.Heading("Training and evaluation datasets");
        if (report.Datasets.Count == 0) c.Nothing("No datasets recorded for this model version as of this checkpoint.");
        else
        {
            DatasetBlocks.Overview(c, report.Datasets);
            foreach (var d in report.Datasets) DatasetBlocks.Detail(c, d);
        }

        c.Heading("Evaluations");
        Evaluations(c, report.Evaluations);

        c.Heading("Policy decisions");
        LifecycleTables.Decisions(c, report.Decisions);

        c.Heading("Promotions");
        LifecycleTables.Promotions(c, report.Promotions, "No promotions requested as of this checkpoint.");

        c.Heading("Approvals");
        LifecycleTables.Approvals(c, report.Approvals);

        c.Heading("Deployments, rollbacks and blocked attempts");
        LifecycleTables.Deployments(c, report.Deployments, "No deployments, rollbacks or blocked attempts recorded as of this checkpoint.");

        VerificationAppendix.Draw(c, report.Frame);
        return c.Finish(ReportManifest.Of(report.Frame), ContentHash.Of(report.Frame.Kind, report));
    }

    static void Cover(ReportComposer c, ComplianceReport r)
    {
        var m = r.Model;
        var cp = r.Frame.Checkpoint;
        c.Title("Compliance report", $"Model version {m.Model} {m.Version}, as of ledger checkpoint tree size {Text.Number(cp.TreeSize)} ({Text.Time(cp.LedgerTime)}).");
        c.Subheading("Model version");
        c.KeyValues([
            new KeyValue("Model", m.Model),
            new KeyValue("Version", m.Version),
            new KeyValue("Artifact SHA-256", m.ArtifactSha256, Mono: true),
            new KeyValue("Current stage", m.Stage, Tone: m.RetiredReason is null ? Tone.Plain : Tone.Warn),
            new KeyValue("Framework", m.Framework),
            new KeyValue("Training run", Text.OrDash(m.TrainingRunId)),
            new KeyValue("Code commit", Text.OrDash(m.CodeCommit), Mono: m.CodeCommit is not null),
            new KeyValue("Risk tier", Text.OrDash(m.RiskTier)),
            new KeyValue("Registered", $"{Text.Time(m.RegisteredAt)} by {m.RegisteredBy} (entry #{Text.Number(m.Seq)})"),
            .. m.RetiredReason is { } why ? [new KeyValue("Retired", why, Tone: Tone.Warn)] : Array.Empty<KeyValue>(),
        ]);
        c.Subheading("As of checkpoint");
        c.KeyValues([
            new KeyValue("Log origin", cp.Origin),
            new KeyValue("Tree size", Text.Number(cp.TreeSize)),
            new KeyValue("Root hash", cp.RootHash, Mono: true),
            new KeyValue("Ledger time", Text.Time(cp.LedgerTime)),
        ]);

        c.Subheading("At a glance");
        c.KeyValues([
            new KeyValue("Datasets", $"{Text.Plural(r.Datasets.Count, "dataset", "datasets")}, {r.Datasets.Count(DatasetBlocks.IsWithdrawn)} withdrawn, " +
                $"{r.Datasets.Count(d => d.ContainsPersonalData)} with personal data"),
            new KeyValue("Evaluations", Text.Plural(r.Evaluations.Count, "evaluation", "evaluations")),
            new KeyValue("Policy decisions", $"{r.Decisions.Count(d => d.Allowed)} allowed, {r.Decisions.Count(d => !d.Allowed)} denied",
                Tone: r.Decisions.Any(d => !d.Allowed) ? Tone.Warn : Tone.Plain),
            new KeyValue("Promotions", $"{Text.Plural(r.Promotions.Count, "promotion", "promotions")}: " +
                string.Join(", ", r.Promotions.GroupBy(p => p.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))),
            new KeyValue("Approvals", Text.Plural(r.Approvals.Count, "approval", "approvals")),
            new KeyValue("Deployment events", $"{Text.Plural(r.Deployments.Count, "event", "events")}: " +
                string.Join(", ", r.Deployments.GroupBy(d => d.Event).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))),
            new KeyValue("Cited ledger entries", Text.Number(r.Frame.Citations.Count)),
        ]);
        foreach (var d in r.Datasets.Where(DatasetBlocks.IsWithdrawn))
            c.Callout($"Dataset {d.Id} ({d.Role}) was {DatasetBlocks.Withdrawal(d)}", Tone.Alert);
    }

    static void Evaluations(ReportComposer c, IReadOnlyList<EvaluationRow> evaluations)
    {
        if (evaluations.Count == 0)
        {
            c.Nothing("No evaluations recorded as of this checkpoint.");
            return;
        }
        c.Table(
            [new Column("Dataset", 2.2, CellStyle.Bold), new Column("Metric", 1.6), new Column("Value", 0.9, CellStyle.Number),
             new Column("Recorded by", 1.5), new Column("At", 1.5), new Column("Seq", 0.8, CellStyle.Number)],
            evaluations.SelectMany(e => e.Metrics.Count == 0
                ? [new Row(e.Dataset, "(no metrics)", "—", e.RecordedBy, Text.Time(e.At), Text.Number(e.Seq))]
                : e.Metrics.Select(m => new Row(e.Dataset, m.Name, Text.Number(m.Value), e.RecordedBy, Text.Time(e.At), Text.Number(e.Seq)))));
        if (evaluations.Any(e => e.Metrics.Count > 0))
        {
            c.Subheading("Metrics by dataset", 60);
            BarChart.Draw(c, evaluations);
        }
    }
}
