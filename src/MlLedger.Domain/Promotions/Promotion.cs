using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Promotions;

public enum PromotionStatus
{
    None,
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// <summary>One approver's decision on a promotion: <see cref="Decision"/> is "approve" or "reject".</summary>
public sealed record ApprovalDecision(
    string Approver,
    IReadOnlyList<string> Roles,
    string Decision,
    string? Comment,
    DateTimeOffset At)
{
    public const string Approve = "approve";
    public const string Reject = "reject";

    /// <summary>The issuer of the approver's token; null for decisions recorded before issuers were.</summary>
    public string? ApproverIssuer { get; init; }

    /// <summary>The approver as separation of duties compares people.</summary>
    public ActorIdentity Identity() => new(ApproverIssuer, Approver);
}

/// <summary>State of one promotion stream. <see cref="Id"/> is the stream key ("promotions/{id}").</summary>
public sealed record Promotion(
    string Id,
    PromotionStatus Status,
    string ModelVersionId,
    string Model,
    string Version,
    string ArtifactSha256,
    Stage TargetStage,
    string Justification,
    string? RequestedBy,
    DateTimeOffset? RequestedAt,
    IReadOnlyList<ApprovalDecision> Decisions,
    DateTimeOffset? ClosedAt)
{
    /// <summary>The promotion id as the caller chose it (without the stream key prefix).</summary>
    public string PromotionId { get; init; } = "";

    /// <summary>The issuer of the requester's token; null for promotions requested before issuers were recorded.</summary>
    public string? RequestedByIssuer { get; init; }

    /// <summary>The requester as separation of duties compares people; null before the request.</summary>
    public ActorIdentity? Requester() => RequestedBy is null ? null : new ActorIdentity(RequestedByIssuer, RequestedBy);

    /// <summary>Who closed the promotion by rejecting or withdrawing it; null while pending or once approved.</summary>
    public string? ClosedBy { get; init; }

    public string? CloseReason { get; init; }

    /// <summary>The latest policy decision on this promotion, or null before the first evaluation.</summary>
    public PolicyDecision? LatestDecision { get; init; }

    /// <summary>Distinct people who granted an approval, in the order they first did.</summary>
    public IReadOnlyList<string> Approvers =>
        [.. Decisions.Where(d => d.Decision == ApprovalDecision.Approve).Select(d => d.Approver).Distinct(StringComparer.Ordinal)];

    public static Promotion Initial { get; } = new(
        Id: "",
        Status: PromotionStatus.None,
        ModelVersionId: "",
        Model: "",
        Version: "",
        ArtifactSha256: "",
        TargetStage: Stage.None,
        Justification: "",
        RequestedBy: null,
        RequestedAt: null,
        Decisions: [],
        ClosedAt: null);

    public static Promotion Evolve(Promotion state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            PromotionRequested e => state with
            {
                Id = StreamKeys.Promotion(e.PromotionId),
                PromotionId = e.PromotionId,
                Status = PromotionStatus.Pending,
                ModelVersionId = e.ModelVersionId,
                Model = e.Model,
                Version = e.Version,
                ArtifactSha256 = e.ArtifactSha256,
                TargetStage = e.TargetStage,
                Justification = e.Justification,
                RequestedBy = e.RequestedBy,
                RequestedByIssuer = e.RequestedByIssuer,
                RequestedAt = e.RequestedAt,
            },
            ApprovalGranted e => state with
            {
                Decisions = [.. state.Decisions, new ApprovalDecision(e.Approver, e.Roles, ApprovalDecision.Approve, e.Comment, e.GrantedAt)
                {
                    ApproverIssuer = e.ApproverIssuer,
                }],
            },
            ApprovalRejected e => state with
            {
                Decisions = [.. state.Decisions, new ApprovalDecision(e.Approver, e.Roles, ApprovalDecision.Reject, e.Comment, e.RejectedAt)
                {
                    ApproverIssuer = e.ApproverIssuer,
                }],
            },
            PolicyEvaluated e => state with { LatestDecision = e.Decision },
            PromotionApproved e => state with { Status = PromotionStatus.Approved, ClosedAt = e.ApprovedAt },
            PromotionRejected e => state with
            {
                Status = PromotionStatus.Rejected,
                ClosedAt = e.RejectedAt,
                ClosedBy = e.RejectedBy,
                CloseReason = e.Reason,
            },
            PromotionWithdrawn e => state with
            {
                Status = PromotionStatus.Withdrawn,
                ClosedAt = e.WithdrawnAt,
                ClosedBy = e.WithdrawnBy,
                CloseReason = e.Reason,
            },
            _ => state,
        };
    }
}
