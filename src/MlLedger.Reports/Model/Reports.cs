namespace MlLedger.Reports.Model;

/// <summary>Everything a model version's compliance report prints, as of <see cref="ReportFrame.Checkpoint"/>.</summary>
public sealed record ComplianceReport(
    ReportFrame Frame,
    ModelVersionSummary Model,
    LineageDiagram Lineage,
    IReadOnlyList<DatasetSummary> Datasets,
    IReadOnlyList<EvaluationRow> Evaluations,
    IReadOnlyList<DecisionRow> Decisions,
    IReadOnlyList<PromotionRow> Promotions,
    IReadOnlyList<ApprovalRow> Approvals,
    IReadOnlyList<DeploymentRow> Deployments);

public sealed record ApproverTally(string Approver, int Approved, int Rejected);

/// <summary>A separation-of-duties breach: one person in two roles the rules keep apart (e.g. requester and approver).</summary>
public sealed record DutyException(string Person, string What, string PromotionId, long Seq);

public sealed record PolicySetChange(string Digest, IReadOnlyList<string> Files, string PublishedBy, DateTimeOffset At, long Seq);

public sealed record KeyRotationRow(string RetiredKeyId, string NewKeyId, string RotatedBy, DateTimeOffset At, long Seq);

/// <summary>Everything in a time window [From, To), as of <see cref="ReportFrame.Checkpoint"/>.</summary>
public sealed record AuditPeriodReport(
    ReportFrame Frame,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<PromotionRow> Promotions,
    IReadOnlyList<DeploymentRow> Deployments,
    IReadOnlyList<PromotionRow> RejectedPromotions,
    IReadOnlyList<DeploymentRow> BlockedDeployments,
    IReadOnlyList<ApproverTally> ApprovalsPerApprover,
    IReadOnlyList<DutyException> SeparationOfDutiesExceptions,
    IReadOnlyList<PolicySetChange> PolicySetChanges,
    IReadOnlyList<KeyRotationRow> KeyRotations);

/// <summary>A model version downstream of the dataset, and how (e.g. "trained-on", "evaluated-on", "trained-on via a@1").</summary>
public sealed record AffectedModel(string Model, string Version, string Relation, string Stage, string ArtifactSha256, long Seq);

/// <summary>The downstream of one dataset as of <see cref="ReportFrame.Checkpoint"/>.</summary>
public sealed record DatasetImpactReport(
    ReportFrame Frame,
    DatasetSummary Dataset,
    LineageDiagram Downstream,
    IReadOnlyList<DatasetSummary> DerivedDatasets,
    IReadOnlyList<AffectedModel> Models,
    IReadOnlyList<DeploymentStatusRow> Deployments);
