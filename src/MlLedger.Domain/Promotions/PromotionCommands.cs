using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Promotions;

/// <summary>Closed hierarchy of what can be asked of a promotion stream.</summary>
public abstract record PromotionCommand
{
    private protected PromotionCommand()
    {
    }
}

public sealed record RequestPromotion(
    string PromotionId,
    ModelVersionFacts ModelVersion,
    Stage TargetStage,
    string Justification,
    string Actor,
    DateTimeOffset Now) : PromotionCommand
{
    /// <summary>The issuer of the actor's token.</summary>
    public string? ActorIssuer { get; init; }
}

/// <param name="ModelVersion">The model version as it is now, to refuse approving changed or retired bytes.</param>
public sealed record ApprovePromotion(
    string Approver,
    IReadOnlyList<string> Roles,
    string? Comment,
    ModelVersionFacts ModelVersion,
    DateTimeOffset Now) : PromotionCommand
{
    /// <summary>The issuer of the approver's token.</summary>
    public string? ApproverIssuer { get; init; }
}

public sealed record RejectPromotion(
    string Approver,
    IReadOnlyList<string> Roles,
    string? Comment,
    DateTimeOffset Now) : PromotionCommand
{
    /// <summary>The issuer of the approver's token.</summary>
    public string? ApproverIssuer { get; init; }
}

/// <summary>
/// Records a policy decision taken on the promotion's current state; an allowing decision completes it.
/// </summary>
public sealed record RecordPolicyEvaluation(PolicyFacts Facts, PolicyDecision Decision, DateTimeOffset Now) : PromotionCommand;

public sealed record WithdrawPromotion(
    string Actor,
    bool ActorIsAdmin,
    string? Reason,
    DateTimeOffset Now) : PromotionCommand
{
    /// <summary>The issuer of the actor's token.</summary>
    public string? ActorIssuer { get; init; }
}
