using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>Turns entries into the rows reports print. Pure; each row keeps the sequence number of its entry.</summary>
internal static class ReportRowsOf
{
    public static DatasetSummary? Dataset(IEnumerable<LedgerEntry> stream, string role)
    {
        DatasetSummary? summary = null;
        foreach (var entry in stream)
        {
            summary = entry.Event switch
            {
                DatasetRegistered d => new DatasetSummary(d.DatasetId, role, d.Uri, d.Sha256, d.License, d.ContainsPersonalData, d.DerivedFrom, [],
                    null, null, d.RegisteredBy, d.RegisteredAt, entry.Seq),
                DatasetCheckRecorded c when summary is not null => summary with
                {
                    Checks = [.. summary.Checks, new DatasetCheckRow(c.Check, c.Result, c.Details, c.RecordedBy, c.RecordedAt, entry.Seq)],
                },
                DatasetWithdrawn w when summary is not null => summary with { WithdrawnReason = w.Reason, WithdrawnAt = w.WithdrawnAt },
                _ => summary,
            };
        }

        return summary;
    }

    public static ModelVersionSummary? ModelVersion(IEnumerable<LedgerEntry> stream)
    {
        ModelVersionSummary? summary = null;
        foreach (var entry in stream)
        {
            summary = entry.Event switch
            {
                ModelVersionRegistered m => new ModelVersionSummary(m.Model, m.Version, m.ArtifactSha256, StageNames.Of(Stage.None), m.Framework,
                    m.TrainingRunId, m.CodeCommit, m.RiskTier, m.RegisteredBy, m.RegisteredAt, null, entry.Seq),
                ModelVersionStageChanged s when summary is not null => summary with { Stage = StageNames.Of(s.ToStage) },
                ModelVersionRetired r when summary is not null => summary with { RetiredReason = r.Reason },
                _ => summary,
            };
        }

        return summary;
    }

    public static IEnumerable<EvaluationRow> Evaluations(IEnumerable<LedgerEntry> stream) =>
        stream.Select(e => e.Event is EvaluationRecorded r
                ? new EvaluationRow(r.Dataset, r.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new Metric(m.Key, m.Value)).ToList(),
                    r.RecordedBy, r.RecordedAt, e.Seq)
                : null)
            .OfType<EvaluationRow>();

    /// <summary>A promotion's row as of the last of its entries given, or null when its request is not among them.</summary>
    public static PromotionRow? Promotion(IEnumerable<LedgerEntry> stream)
    {
        PromotionRow? row = null;
        foreach (var entry in stream)
        {
            row = entry.Event switch
            {
                PromotionRequested p => new PromotionRow(p.PromotionId, ModelVersionIds.Of(p.Model, p.Version), StageNames.Of(p.TargetStage), "pending",
                    p.RequestedBy, p.RequestedAt, null, null, null, entry.Seq),
                PromotionApproved a when row is not null => row with { Status = "approved", ClosedBy = string.Join(", ", a.Approvers), ClosedAt = a.ApprovedAt },
                PromotionRejected r when row is not null => row with { Status = "rejected", ClosedBy = r.RejectedBy, CloseReason = r.Reason, ClosedAt = r.RejectedAt },
                PromotionWithdrawn w when row is not null => row with { Status = "withdrawn", ClosedBy = w.WithdrawnBy, CloseReason = w.Reason, ClosedAt = w.WithdrawnAt },
                _ => row,
            };
        }

        return row;
    }

    public static IEnumerable<ApprovalRow> Approvals(IEnumerable<LedgerEntry> stream, PromotionRow promotion) =>
        stream.Select(e => e.Event switch
            {
                ApprovalGranted g => new ApprovalRow(g.PromotionId, promotion.Subject, promotion.TargetStage, g.Approver, g.Roles, "approved", g.Comment,
                    g.GrantedAt, e.Seq),
                ApprovalRejected r => new ApprovalRow(r.PromotionId, promotion.Subject, promotion.TargetStage, r.Approver, r.Roles, "rejected", r.Comment,
                    r.RejectedAt, e.Seq),
                _ => null,
            })
            .OfType<ApprovalRow>();

    public static IEnumerable<DecisionRow> Decisions(IEnumerable<LedgerEntry> entries) =>
        entries.Select(e => e.Event switch
            {
                PolicyEvaluated p => Decision($"promotion {p.PromotionId} to {p.Decision.TargetStage}", p.Decision, p.EvaluatedAt, e.Seq),
                DeploymentRecorded { Decision: { } d } r => Decision($"deployment {r.DeploymentId} to {r.Environment}", d, r.DeployedAt, e.Seq),
                DeploymentBlocked { Decision: { } d } b => Decision($"deployment attempt {b.DeploymentId} to {b.Environment}", d, b.AttemptedAt, e.Seq),
                _ => null,
            })
            .OfType<DecisionRow>();

    public static DecisionRow Decision(string context, PolicyDecision d, DateTimeOffset at, long seq) =>
        new(context, d.PolicySetDigest, d.Allowed, d.Summary, d.Rules.Select(r => new RuleRow(r.Policy, r.Rule, r.Kind, r.Outcome, r.Reason)).ToList(), at, seq);

    /// <summary>The deployment events of a deployment stream (deployed, blocked, rolled back, retired).</summary>
    public static IEnumerable<DeploymentRow> Deployments(IEnumerable<LedgerEntry> stream)
    {
        DeploymentRow? first = null;
        foreach (var entry in stream)
        {
            DeploymentRow? row = entry.Event switch
            {
                DeploymentRecorded d => new DeploymentRow(d.DeploymentId, ModelVersionIds.Of(d.Model, d.Version), d.Environment, d.Endpoint, d.ArtifactSha256,
                    "deployed", d.DeployedBy, d.DeployedAt, null, entry.Seq),
                DeploymentBlocked b => new DeploymentRow(b.DeploymentId, ModelVersionIds.Of(b.Model, b.Version), b.Environment, b.Endpoint, b.ArtifactSha256,
                    "blocked", b.AttemptedBy, b.AttemptedAt, $"{b.Code}: {b.Reason}", entry.Seq),
                DeploymentRolledBack r when first is not null => first with
                {
                    Event = "rolled-back", By = r.RolledBackBy, At = r.RolledBackAt, Reason = r.Reason, Seq = entry.Seq,
                },
                DeploymentRetired r when first is not null => first with
                {
                    Event = "retired", By = r.RetiredBy, At = r.RetiredAt, Reason = r.Reason, Seq = entry.Seq,
                },
                _ => null,
            };
            if (row is not null)
            {
                first ??= row;
                yield return row;
            }
        }
    }

    /// <summary>Where a deployment stands after the entries given: active, blocked, rolled-back or retired.</summary>
    public static DeploymentStatusRow? DeploymentStatus(IEnumerable<LedgerEntry> stream)
    {
        var rows = Deployments(stream).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var last = rows[^1];
        var status = last.Event == "deployed" ? "active" : last.Event;
        return new DeploymentStatusRow(last.DeploymentId, last.Subject, last.Environment, last.Endpoint, last.ArtifactSha256, status, rows[0].Seq);
    }
}
