namespace MlLedger.Domain.Policies;

/// <summary>
/// The input document of a policy decision: everything the rules may look at, as plain data gathered from the
/// ledger. It is recorded with every decision, so a decision can be re-evaluated years later. Stages are wire
/// names ("staging"); <c>Entry</c> fields name the ledger entry a fact was read from (null in example cases).
/// </summary>
public sealed record PolicyFacts(
    PolicyRequestFacts Request,
    ModelVersionFact ModelVersion,
    IReadOnlyList<DatasetFact> Datasets,
    IReadOnlyList<EvaluationFact> Evaluations,
    PromotionFact? Promotion,
    IReadOnlyList<ApprovalFact> Approvals);

public static class PolicyRequestKinds
{
    public const string Promotion = "promotion";
    public const string Deployment = "deployment";
    public const string Check = "check";
}

/// <param name="Kind">"promotion", "deployment" or "check".</param>
/// <param name="ArtifactSha256">The digest about to be deployed (deployments; optional for checks).</param>
/// <param name="At">When the decision is taken: the time stage-history rules measure against.</param>
public sealed record PolicyRequestFacts(
    string Kind,
    string TargetStage,
    string? Environment,
    string? Requester,
    string? ArtifactSha256,
    DateTimeOffset At);

public sealed record StageHistoryFact(string Stage, DateTimeOffset At, string? PromotionId);

public sealed record ModelVersionFact(
    string Id,
    string Model,
    string Version,
    string ArtifactSha256,
    string Stage,
    string? RiskTier,
    bool Retired,
    IReadOnlyList<string> TrainedOn,
    IReadOnlyList<StageHistoryFact> StageHistory,
    EntryRef? Entry);

/// <summary>The latest result of one named check on a dataset.</summary>
public sealed record DatasetCheckFact(string Check, string Result, EntryRef? Entry);

public sealed record DatasetFact(
    string Id,
    string Name,
    string Version,
    IReadOnlyList<string> Tags,
    string License,
    bool ContainsPersonalData,
    bool Withdrawn,
    IReadOnlyList<DatasetCheckFact> Checks,
    EntryRef? Entry);

public sealed record EvaluationFact(
    string Id,
    string Dataset,
    IReadOnlyDictionary<string, double> Metrics,
    EntryRef? Entry);

/// <summary>The promotion the approvals belong to: the one being decided, or the one that reached the stage.</summary>
public sealed record PromotionFact(
    string Id,
    string TargetStage,
    string Status,
    string RequestedBy,
    string ArtifactSha256,
    EntryRef? Entry);

public sealed record ApprovalFact(
    string Approver,
    IReadOnlyList<string> Roles,
    string ArtifactSha256,
    DateTimeOffset At,
    EntryRef? Entry);
