namespace MlLedger.Reports.Model;

// Rows the reports print. Every row names the ledger entry (Seq) it comes from.

public sealed record ModelVersionSummary(
    string Model, string Version, string ArtifactSha256, string Stage, string Framework, string? TrainingRunId,
    string? CodeCommit, string? RiskTier, string RegisteredBy, DateTimeOffset RegisteredAt, string? RetiredReason, long Seq);

public sealed record DatasetCheckRow(string Check, string Result, string? Details, string RecordedBy, DateTimeOffset At, long Seq);

/// <summary><see cref="Role"/>: "training", "evaluation", "upstream" (derived-from ancestor) or "subject".</summary>
public sealed record DatasetSummary(
    string Id, string Role, string Uri, string Sha256, string License, bool ContainsPersonalData, IReadOnlyList<string> DerivedFrom,
    IReadOnlyList<DatasetCheckRow> Checks, string? WithdrawnReason, DateTimeOffset? WithdrawnAt, string RegisteredBy,
    DateTimeOffset RegisteredAt, long Seq);

public sealed record Metric(string Name, double Value);

public sealed record EvaluationRow(string Dataset, IReadOnlyList<Metric> Metrics, string RecordedBy, DateTimeOffset At, long Seq);

/// <summary>One rule of a decision: <see cref="Outcome"/> is passed, failed or not-applicable.</summary>
public sealed record RuleRow(string Policy, string Rule, string Kind, string Outcome, string Reason);

/// <summary>A policy decision; <see cref="Context"/> says what it was taken for (a promotion or a deployment).</summary>
public sealed record DecisionRow(
    string Context, string PolicySetDigest, bool Allowed, string Summary, IReadOnlyList<RuleRow> Rules, DateTimeOffset At, long Seq);

/// <summary><see cref="Decision"/> is "approved" or "rejected".</summary>
public sealed record ApprovalRow(
    string PromotionId, string Subject, string TargetStage, string Approver, IReadOnlyList<string> Roles, string Decision,
    string? Comment, DateTimeOffset At, long Seq);

/// <summary><see cref="Status"/>: pending, approved, rejected or withdrawn (as of the report's checkpoint).</summary>
public sealed record PromotionRow(
    string PromotionId, string Subject, string TargetStage, string Status, string RequestedBy, DateTimeOffset RequestedAt,
    string? ClosedBy, string? CloseReason, DateTimeOffset? ClosedAt, long Seq);

/// <summary>
/// One deployment event: <see cref="Event"/> is deployed, blocked, rolled-back or retired. <see cref="Reason"/> is the
/// refusal or the rollback/retirement reason.
/// </summary>
public sealed record DeploymentRow(
    string DeploymentId, string Subject, string Environment, string? Endpoint, string ArtifactSha256, string Event, string By,
    DateTimeOffset At, string? Reason, long Seq);

/// <summary>A deployment of the subject and whether it is live as of the checkpoint.</summary>
public sealed record DeploymentStatusRow(
    string DeploymentId, string Subject, string Environment, string? Endpoint, string ArtifactSha256, string Status, long Seq);
