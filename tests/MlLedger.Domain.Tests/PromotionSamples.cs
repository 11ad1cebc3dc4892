using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;

namespace MlLedger.Domain.Tests;

/// <summary>The promotion of churn@7 the promotion tests decide on, with its commands and events.</summary>
internal static class PromotionSamples
{
    public const string Pid = "promo-1";
    public const string Mv = "churn@7";
    public const string Requester = "alice";

    /// <summary>The issuer of every sample identity's token.</summary>
    public const string Issuer = "https://login.example";

    public static readonly ModelVersionFacts Model = new(Mv, Exists: true, Retired: false, Fixed.ArtifactSha, Stage.Staging);

    public static readonly PromotionRequested ToProduction = new(
        Pid, Mv, "churn", "7", Fixed.ArtifactSha, Stage.Production, "beats baseline", Requester, Fixed.Now) { RequestedByIssuer = Issuer };

    public static DeciderSpec<Promotion> Spec() => DeciderSpec.For(PromotionDecider.Decide, Promotion.Evolve, Promotion.Initial);

    public static ApprovePromotion Approve(string approver, int minutes = 1, ModelVersionFacts? model = null) =>
        new(approver, ["approver"], "looks good", model ?? Model, Fixed.Later(minutes)) { ApproverIssuer = Issuer };

    public static ApprovalGranted Granted(string approver, int minutes = 1) =>
        new(Pid, approver, ["approver"], "looks good", Fixed.ArtifactSha, Fixed.Later(minutes)) { ApproverIssuer = Issuer };

    public static readonly PromotionRejected RejectedByCarol = new(Pid, "carol", "auc too low", Fixed.Later(5));

    public static PolicyFacts FactsWith(params string[] approvers) =>
        PolicyDecisions.Facts(Pid, Mv, Stage.Production, Requester, Fixed.Later(3), approvers);

    public static PolicyEvaluated Evaluated(PolicyDecision decision, params string[] approvers) =>
        new(Pid, Fixed.PolicySetDigest, decision.Allowed, FactsWith(approvers), decision, Fixed.Later(3));
}
