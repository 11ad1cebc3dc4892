using MlLedger.Reports.Model;
using MlLedger.Reports.Rendering;

namespace MlLedger.Reports.Sections;

/// <summary>Promotions, approvals, policy decisions and deployments, as every report prints them.</summary>
internal static class LifecycleTables
{
    public static void Promotions(ReportComposer c, IReadOnlyList<PromotionRow> rows, string nothing)
    {
        if (rows.Count == 0)
        {
            c.Nothing(nothing);
            return;
        }
        c.Table(
            [new Column("Promotion", 1.2, CellStyle.Bold), new Column("Subject", 1.3), new Column("To stage", 1.2), new Column("Status", 1.1),
             new Column("Requested", 2.1), new Column("Closed", 2.1), new Column("Reason", 1.7), new Column("Seq", 0.8, CellStyle.Number)],
            rows.Select(p => new Row([
                p.PromotionId, p.Subject, p.TargetStage, p.Status, $"{p.RequestedBy}\n{Text.Time(p.RequestedAt)}",
                p.ClosedBy is null ? "—" : $"{p.ClosedBy}\n{Text.Time(p.ClosedAt)}", Text.OrDash(p.CloseReason), Text.Number(p.Seq),
            ], p.Status switch { "rejected" => Tone.Alert, "withdrawn" => Tone.Warn, _ => Tone.Plain })));
    }

    public static void Approvals(ReportComposer c, IReadOnlyList<ApprovalRow> rows)
    {
        if (rows.Count == 0)
        {
            c.Nothing("No approvals recorded as of this checkpoint.");
            return;
        }
        c.Table(
            [new Column("Promotion", 1.2), new Column("To stage", 1.1), new Column("Approver", 1.2, CellStyle.Bold), new Column("Roles", 1.3),
             new Column("Decision", 1.1), new Column("At", 1.7), new Column("Comment", 2.8), new Column("Seq", 0.8, CellStyle.Number)],
            rows.Select(a => new Row([
                a.PromotionId, a.TargetStage, a.Approver, string.Join(", ", a.Roles), a.Decision, Text.Time(a.At), Text.OrDash(a.Comment), Text.Number(a.Seq),
            ], a.Decision == "rejected" ? Tone.Alert : Tone.Plain)));
    }

    public static void Decisions(ReportComposer c, IReadOnlyList<DecisionRow> decisions)
    {
        if (decisions.Count == 0)
        {
            c.Nothing("No policy decisions recorded as of this checkpoint.");
            return;
        }
        foreach (var d in decisions)
        {
            c.Subheading($"{d.Context}: {(d.Allowed ? "ALLOWED" : "DENIED")}", 70);
            c.KeyValues([
                new KeyValue("Outcome", d.Allowed ? "allowed" : "denied", Tone: d.Allowed ? Tone.Good : Tone.Alert),
                new KeyValue("Summary", d.Summary),
                new KeyValue("Policy set digest", d.PolicySetDigest, Mono: true),
                new KeyValue("Decided", $"{Text.Time(d.At)} (entry #{Text.Number(d.Seq)})"),
            ]);
            if (d.Rules.Count == 0)
            {
                c.Nothing("The decision evaluated no rules.");
                continue;
            }
            c.Table(
                [new Column("Policy", 1.4), new Column("Rule", 2, CellStyle.Bold), new Column("Kind", 0.9), new Column("Outcome", 1.1),
                 new Column("Reason", 3.6)],
                d.Rules.Select(r => new Row([r.Policy, r.Rule, r.Kind, r.Outcome, r.Reason],
                    r.Outcome == "failed" ? Tone.Alert : Tone.Plain)));
        }
    }

    public static void Deployments(ReportComposer c, IReadOnlyList<DeploymentRow> rows, string nothing)
    {
        if (rows.Count == 0)
        {
            c.Nothing(nothing);
            return;
        }
        c.Table(
            [new Column("Deployment", 1.35, CellStyle.Bold), new Column("Subject", 1.5), new Column("Environment", 1.4), new Column("Event", 1.1),
             new Column("By / at", 2.1), new Column("Reason", 1.5), new Column("Artifact SHA-256", 1.9, CellStyle.Mono), new Column("Seq", 0.8, CellStyle.Number)],
            rows.Select(d => new Row([
                d.DeploymentId, d.Subject, d.Endpoint is null ? d.Environment : $"{d.Environment}\n{d.Endpoint}", d.Event,
                $"{d.By}\n{Text.Time(d.At)}", Text.OrDash(d.Reason), d.ArtifactSha256, Text.Number(d.Seq),
            ], d.Event switch { "blocked" => Tone.Alert, "rolled-back" => Tone.Warn, _ => Tone.Plain })));
    }

    /// <summary>Above this many blocked attempts, the audit period lists them in groups (every one is still cited).</summary>
    public const int BlockedListedOneByOne = 500;

    /// <summary>
    /// Blocked attempts grouped by subject, environment and reason: how many, when first and last, and the entries'
    /// sequence numbers from first to last. A period with tens of thousands of identical refusals stays readable.
    /// </summary>
    public static void BlockedGroups(ReportComposer c, IReadOnlyList<DeploymentRow> rows)
    {
        var groups = rows
            .GroupBy(d => (d.Subject, d.Environment, Reason: d.Reason ?? ""))
            .Select(g => (g.Key, Count: g.Count(), First: g.Min(d => d.At), Last: g.Max(d => d.At), FirstSeq: g.Min(d => d.Seq), LastSeq: g.Max(d => d.Seq)))
            .OrderBy(g => g.FirstSeq)
            .ToList();
        c.Paragraph($"{Text.Number(rows.Count)} blocked attempts, more than {Text.Number(BlockedListedOneByOne)}, are listed in " +
                    $"{Text.Number(groups.Count)} groups of the same subject, environment and reason. Every attempt is an entry cited in the " +
                    "verification appendix.");
        c.Table(
            [new Column("Subject", 1.5, CellStyle.Bold), new Column("Environment", 1.1), new Column("Reason", 3), new Column("Attempts", 0.9, CellStyle.Number),
             new Column("First / last", 2.1), new Column("Entries", 1.4)],
            groups.Select(g => new Row([
                g.Key.Subject, g.Key.Environment, Text.OrDash(g.Key.Reason.Length == 0 ? null : g.Key.Reason), Text.Number(g.Count),
                $"{Text.Time(g.First)}\n{Text.Time(g.Last)}", g.Count == 1 ? $"#{g.FirstSeq}" : $"#{g.FirstSeq} to #{g.LastSeq}",
            ], Tone.Alert)));
    }
}
