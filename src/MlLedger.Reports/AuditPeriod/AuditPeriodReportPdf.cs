using MlLedger.Reports.Manifest;
using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;
using MlLedger.Reports.Sections;
using MlLedger.Reports.Verification;

namespace MlLedger.Reports.AuditPeriod;

/// <summary>What happened in the ledger in a time window [From, To): counts first, then every event an auditor samples.</summary>
public static class AuditPeriodReportPdf
{
    /// <summary>Renders the report. The same record always gives the same bytes.</summary>
    public static byte[] Render(AuditPeriodReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var c = new ReportComposer(report.Frame, "Audit period report");
        var window = $"{Text.Time(report.From)} to {Text.Time(report.To)}";
        c.Title("Audit period report", $"Ledger activity from {window} (the end is excluded), as of ledger checkpoint tree size " +
            $"{Text.Number(report.Frame.Checkpoint.TreeSize)} ({Text.Time(report.Frame.Checkpoint.LedgerTime)}).");

        c.Heading("Summary");
        c.KeyValues([
            new KeyValue("Period", window),
            new KeyValue("Promotions", Text.Number(report.Promotions.Count)),
            new KeyValue("Deployments, rollbacks, retirements", Text.Number(report.Deployments.Count)),
            new KeyValue("Rejected promotions", Text.Number(report.RejectedPromotions.Count), Tone: report.RejectedPromotions.Count > 0 ? Tone.Warn : Tone.Plain),
            new KeyValue("Blocked deployment attempts", Text.Number(report.BlockedDeployments.Count), Tone: report.BlockedDeployments.Count > 0 ? Tone.Warn : Tone.Plain),
            new KeyValue("Approvers", $"{Text.Number(report.ApprovalsPerApprover.Count)} people gave {Text.Number(report.ApprovalsPerApprover.Sum(a => (long)a.Approved + a.Rejected))} decisions"),
            new KeyValue("Separation-of-duties exceptions", Text.Number(report.SeparationOfDutiesExceptions.Count),
                Tone: report.SeparationOfDutiesExceptions.Count > 0 ? Tone.Alert : Tone.Good),
            new KeyValue("Policy set changes", Text.Number(report.PolicySetChanges.Count)),
            new KeyValue("Key rotations", Text.Number(report.KeyRotations.Count)),
            new KeyValue("Cited ledger entries", Text.Number(report.Frame.Citations.Count)),
        ], keyWidth: 170);
        DutyExceptions(c, report.SeparationOfDutiesExceptions, window);

        c.Heading("Promotions");
        LifecycleTables.Promotions(c, report.Promotions, "No promotions in this period.");
        c.Heading("Deployments");
        LifecycleTables.Deployments(c, report.Deployments, "No deployments, rollbacks or retirements in this period (blocked attempts are listed below).");
        c.Heading("Rejected promotions");
        LifecycleTables.Promotions(c, report.RejectedPromotions, "No promotions were rejected in this period.");
        c.Heading("Blocked deployment attempts");
        if (report.BlockedDeployments.Count > LifecycleTables.BlockedListedOneByOne)
            LifecycleTables.BlockedGroups(c, report.BlockedDeployments);
        else
            LifecycleTables.Deployments(c, report.BlockedDeployments, "No deployments were blocked in this period.");

        c.Heading("Approvals per approver");
        if (report.ApprovalsPerApprover.Count == 0) c.Nothing("No approvals or rejections were given in this period.");
        else
            c.Table(
                [new Column("Approver", 3, CellStyle.Bold), new Column("Approved", 1, CellStyle.Number), new Column("Rejected", 1, CellStyle.Number),
                 new Column("Total", 1, CellStyle.Number)],
                report.ApprovalsPerApprover.Select(a => new Row(a.Approver, Text.Number(a.Approved), Text.Number(a.Rejected), Text.Number((long)a.Approved + a.Rejected))));

        c.Heading("Separation-of-duties exceptions");
        if (report.SeparationOfDutiesExceptions.Count == 0)
            c.Callout($"No separation-of-duties exceptions: in {window} no one held two roles the rules keep apart (such as requesting and approving the same promotion).", Tone.Good);
        else
            c.Table(
                [new Column("Person", 1.5, CellStyle.Bold), new Column("What", 4), new Column("Promotion", 1.6), new Column("Seq", 0.8, CellStyle.Number)],
                report.SeparationOfDutiesExceptions.Select(e => new Row([e.Person, e.What, e.PromotionId, Text.Number(e.Seq)], Tone.Alert)));

        c.Heading("Policy set changes");
        if (report.PolicySetChanges.Count == 0) c.Nothing("No policy sets were published in this period.");
        else
            c.Table(
                [new Column("Policy set digest", 2.6, CellStyle.Mono), new Column("Files", 2.4), new Column("Published by", 1.2), new Column("At", 1.4),
                 new Column("Seq", 0.8, CellStyle.Number)],
                report.PolicySetChanges.Select(p => new Row(p.Digest, string.Join("\n", p.Files), p.PublishedBy, Text.Time(p.At), Text.Number(p.Seq))));

        c.Heading("Key rotations");
        if (report.KeyRotations.Count == 0) c.Nothing("No ledger keys were rotated in this period.");
        else
            c.Table(
                [new Column("Retired key", 2.4, CellStyle.Mono), new Column("New key", 2.4, CellStyle.Mono), new Column("Rotated by", 1.2), new Column("At", 1.4),
                 new Column("Seq", 0.8, CellStyle.Number)],
                report.KeyRotations.Select(k => new Row(k.RetiredKeyId, k.NewKeyId, k.RotatedBy, Text.Time(k.At), Text.Number(k.Seq))));

        VerificationAppendix.Draw(c, report.Frame);
        return c.Finish(ReportManifest.Of(report.Frame), ContentHash.Of(report.Frame.Kind, report));
    }

    static void DutyExceptions(ReportComposer c, IReadOnlyList<DutyException> exceptions, string window)
    {
        if (exceptions.Count == 0)
            c.Callout($"No separation-of-duties exceptions in {window}.", Tone.Good);
        else
            c.Callout($"{Text.Plural(exceptions.Count, "separation-of-duties exception", "separation-of-duties exceptions")} in this period: " +
                "see the section of that name.", Tone.Alert);
    }
}
