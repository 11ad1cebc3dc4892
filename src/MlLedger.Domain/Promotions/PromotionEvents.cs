using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Promotions;

/// <summary>Closed hierarchy of the facts recorded on a promotion stream.</summary>
public abstract record PromotionEvent
{
    private protected PromotionEvent()
    {
    }
}

/// <summary>A promotion was asked for; <paramref name="ArtifactSha256"/> binds it to the exact model bytes.</summary>
public sealed record PromotionRequested(
    string PromotionId,
    string ModelVersionId,
    string Model,
    string Version,
    string ArtifactSha256,
    Stage TargetStage,
    string Justification,
    string RequestedBy,
    DateTimeOffset RequestedAt) : PromotionEvent
{
    /// <summary>The issuer of the requester's token; null in entries recorded before issuers were.</summary>
    public string? RequestedByIssuer { get; init; }
}

public sealed record ApprovalGranted(
    string PromotionId,
    string Approver,
    IReadOnlyList<string> Roles,
    string? Comment,
    string ArtifactSha256,
    DateTimeOffset GrantedAt) : PromotionEvent
{
    /// <summary>The issuer of the approver's token; null in entries recorded before issuers were.</summary>
    public string? ApproverIssuer { get; init; }
}

public sealed record ApprovalRejected(
    string PromotionId,
    string Approver,
    IReadOnlyList<string> Roles,
    string? Comment,
    DateTimeOffset RejectedAt) : PromotionEvent
{
    /// <summary>The issuer of the approver's token; null in entries recorded before issuers were.</summary>
    public string? ApproverIssuer { get; init; }
}

/// <summary>
/// The policies were evaluated for the promotion (at request and after each approval): the set's digest, the facts
/// they were given and the full decision, so that the decision can be replayed later.
/// </summary>
public sealed record PolicyEvaluated(
    string PromotionId,
    string PolicySetDigest,
    bool Allowed,
    PolicyFacts Facts,
    PolicyDecision Decision,
    DateTimeOffset EvaluatedAt) : PromotionEvent;

/// <summary>The policies allowed it: the promotion is complete.</summary>
public sealed record PromotionApproved(
    string PromotionId,
    string ModelVersionId,
    Stage TargetStage,
    IReadOnlyList<string> Approvers,
    DateTimeOffset ApprovedAt) : PromotionEvent;

public sealed record PromotionRejected(
    string PromotionId,
    string RejectedBy,
    string? Reason,
    DateTimeOffset RejectedAt) : PromotionEvent;

public sealed record PromotionWithdrawn(
    string PromotionId,
    string WithdrawnBy,
    string? Reason,
    DateTimeOffset WithdrawnAt) : PromotionEvent;
