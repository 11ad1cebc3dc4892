using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Tests;

/// <summary>
/// Small, fixed policy decisions and facts. The domain only records them and acts on <see cref="PolicyDecision.Allowed"/>;
/// how they are reached is the policy engine's business, tested elsewhere.
/// </summary>
internal static class PolicyDecisions
{
    public const string Policy = "production-gate";
    public const string DeniedSummary = "denied: production-gate/two-approvers: 1 distinct approver(s), 2 required";

    public static PolicyDecision Allow(string modelVersionId, Stage stage) =>
        Decision(modelVersionId, stage, RuleOutcomes.Passed, "2 distinct approver(s), 2 required", "allowed: 1 rule(s) of production-gate v3 passed");

    public static PolicyDecision Deny(string modelVersionId, Stage stage) =>
        Decision(modelVersionId, stage, RuleOutcomes.Failed, "1 distinct approver(s), 2 required", DeniedSummary);

    /// <summary>The facts a promotion's decision is taken on: the model version, the promotion and its approvers.</summary>
    public static PolicyFacts Facts(
        string promotionId, string modelVersionId, Stage target, string requester, DateTimeOffset at, params string[] approvers)
    {
        var (model, version) = ModelVersionIds.Parse(modelVersionId);
        var stream = StreamKeys.Promotion(promotionId);
        return new PolicyFacts(
            new PolicyRequestFacts(PolicyRequestKinds.Promotion, StageNames.Of(target), null, requester, null, at),
            new ModelVersionFact(
                modelVersionId, model, version, Fixed.ArtifactSha, "staging", "high", Retired: false, ["churn-train@3"], [], null),
            [],
            [new EvaluationFact("eval-1", "churn-holdout@3", new Dictionary<string, double> { ["auc"] = 0.91 }, null)],
            new PromotionFact(promotionId, StageNames.Of(target), "pending", requester, Fixed.ArtifactSha, new EntryRef(stream, 1)),
            [.. approvers.Select((approver, i) => new ApprovalFact(approver, ["approver"], Fixed.ArtifactSha, at, new EntryRef(stream, i + 2)))]);
    }

    private static PolicyDecision Decision(string modelVersionId, Stage stage, string outcome, string reason, string summary) =>
        new(
            outcome == RuleOutcomes.Passed,
            Fixed.PolicySetDigest,
            modelVersionId,
            StageNames.Of(stage),
            [new AppliedPolicy(Policy, "3")],
            [new RuleResult(Policy, "two-approvers", "approvals", outcome, reason, [new EntryRef("promotions/promo-1", 2)])],
            summary);
}
