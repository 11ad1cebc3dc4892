using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Promotions;

public static class PromotionDecider
{
    public static IReadOnlyList<object> Decide(object command, Promotion state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            RequestPromotion c => Request(c, state),
            ApprovePromotion c => Approve(c, state),
            RejectPromotion c => Reject(c, state),
            RecordPolicyEvaluation c => RecordEvaluation(c, state),
            WithdrawPromotion c => Withdraw(c, state),
            _ => throw new ArgumentException($"Unknown promotion command {command.GetType().Name}.", nameof(command)),
        };
    }

    private static PromotionRequested[] Request(RequestPromotion c, Promotion state)
    {
        if (state.Status != PromotionStatus.None)
        {
            throw new DomainRejection("promotion-already-exists", $"Promotion {c.PromotionId} already exists.");
        }

        var model = c.ModelVersion;
        RequireLive(model);
        if (c.TargetStage is not (Stage.Staging or Stage.Production))
        {
            throw new DomainRejection(
                "invalid-target-stage",
                $"A promotion targets 'staging' or 'production', not '{StageNames.Of(c.TargetStage)}'.");
        }

        if (c.TargetStage <= model.Stage)
        {
            throw new DomainRejection(
                "already-in-stage",
                $"{model.ModelVersionId} is in stage '{StageNames.Of(model.Stage)}'; a promotion must target a higher stage than '{StageNames.Of(c.TargetStage)}'.");
        }

        var (name, version) = ModelVersionIds.Parse(model.ModelVersionId);
        return
        [
            new PromotionRequested(
                c.PromotionId,
                model.ModelVersionId,
                name,
                version,
                model.ArtifactSha256,
                c.TargetStage,
                c.Justification,
                c.Actor,
                c.Now)
            {
                RequestedByIssuer = c.ActorIssuer,
            },
        ];
    }

    private static object[] Approve(ApprovePromotion c, Promotion state)
    {
        RequirePending(state);
        var approver = new ActorIdentity(c.ApproverIssuer, c.Approver);
        if (IsRequester(state, approver))
        {
            throw new DomainRejection("self-approval", $"{c.Approver} requested promotion {state.PromotionId} and cannot approve it.");
        }

        RequireUndecided(state, approver);
        var model = c.ModelVersion;
        if (!string.Equals(model.ModelVersionId, state.ModelVersionId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Facts are about {model.ModelVersionId} but promotion {state.PromotionId} is for {state.ModelVersionId}.",
                nameof(c));
        }

        RequireLive(model);
        if (model.Stage >= state.TargetStage)
        {
            throw new DomainRejection(
                "already-in-stage",
                $"{state.ModelVersionId} is already in stage '{StageNames.Of(model.Stage)}' (another promotion completed); " +
                $"promotion {state.PromotionId} to '{StageNames.Of(state.TargetStage)}' can only be withdrawn.");
        }

        if (!Sha256Digests.AreEqual(model.ArtifactSha256, state.ArtifactSha256))
        {
            throw new DomainRejection(
                "artifact-changed",
                $"{state.ModelVersionId} was requested with artifact sha256 {state.ArtifactSha256} but its artifact is now {model.ArtifactSha256}.");
        }

        return [new ApprovalGranted(state.PromotionId, c.Approver, [.. c.Roles], c.Comment, state.ArtifactSha256, c.Now) { ApproverIssuer = c.ApproverIssuer }];
    }

    /// <summary>
    /// Every evaluation is recorded; the promotion completes only when the decision allows it. The decision must
    /// be about this promotion's model version and target stage.
    /// </summary>
    private static object[] RecordEvaluation(RecordPolicyEvaluation c, Promotion state)
    {
        ArgumentNullException.ThrowIfNull(c.Decision);
        ArgumentNullException.ThrowIfNull(c.Facts);
        RequirePending(state);
        var decision = c.Decision;
        if (!string.Equals(decision.ModelVersionId, state.ModelVersionId, StringComparison.Ordinal)
            || !string.Equals(decision.TargetStage, StageNames.Of(state.TargetStage), StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The decision is about {decision.ModelVersionId} to {decision.TargetStage}, but promotion {state.PromotionId} is " +
                $"{state.ModelVersionId} to {StageNames.Of(state.TargetStage)}.",
                nameof(c));
        }

        var evaluated = new PolicyEvaluated(state.PromotionId, decision.PolicySetDigest, decision.Allowed, c.Facts, decision, c.Now);
        return decision.Allowed
            ? [evaluated, new PromotionApproved(state.PromotionId, state.ModelVersionId, state.TargetStage, state.Approvers, c.Now)]
            : [evaluated];
    }

    private static object[] Reject(RejectPromotion c, Promotion state)
    {
        RequirePending(state);
        var approver = new ActorIdentity(c.ApproverIssuer, c.Approver);
        if (IsRequester(state, approver))
        {
            throw new DomainRejection(
                "self-rejection",
                $"{c.Approver} requested promotion {state.PromotionId}; the requester withdraws it instead of rejecting it.");
        }

        RequireUndecided(state, approver);
        return
        [
            new ApprovalRejected(state.PromotionId, c.Approver, [.. c.Roles], c.Comment, c.Now) { ApproverIssuer = c.ApproverIssuer },
            new PromotionRejected(state.PromotionId, c.Approver, c.Comment, c.Now),
        ];
    }

    private static PromotionWithdrawn[] Withdraw(WithdrawPromotion c, Promotion state)
    {
        RequirePending(state);
        if (!IsRequester(state, new ActorIdentity(c.ActorIssuer, c.Actor)) && !c.ActorIsAdmin)
        {
            throw new DomainRejection(
                "not-requester",
                $"Only the requester ({state.RequestedBy}) or an admin can withdraw promotion {state.PromotionId}.");
        }

        return [new PromotionWithdrawn(state.PromotionId, c.Actor, c.Reason, c.Now)];
    }

    /// <summary>Separation of duties compares people by issuer and subject (<see cref="ActorIdentity"/>), never by subject alone.</summary>
    private static bool IsRequester(Promotion state, ActorIdentity actor) =>
        state.Requester() is { } requester && requester.IsSamePersonAs(actor);

    private static void RequirePending(Promotion state)
    {
        if (state.Status == PromotionStatus.None)
        {
            throw new DomainRejection("promotion-not-found", "Promotion does not exist.");
        }

        if (state.Status != PromotionStatus.Pending)
        {
            throw new DomainRejection(
                "promotion-not-pending",
                $"Promotion {state.PromotionId} is no longer pending; it was {ClosedAs(state.Status)}.");
        }
    }

    private static string ClosedAs(PromotionStatus status) => status switch
    {
        PromotionStatus.Approved => "approved",
        PromotionStatus.Rejected => "rejected",
        PromotionStatus.Withdrawn => "withdrawn",
        _ => "closed",
    };

    private static void RequireUndecided(Promotion state, ActorIdentity approver)
    {
        if (state.Decisions.Any(d => d.Identity().IsSamePersonAs(approver)))
        {
            throw new DomainRejection("already-decided", $"{approver.Subject} has already decided on promotion {state.PromotionId}.");
        }
    }

    private static void RequireLive(ModelVersionFacts model)
    {
        if (!model.Exists)
        {
            throw new DomainRejection("model-version-not-found", $"Model version {model.ModelVersionId} is not registered.");
        }

        if (model.Retired)
        {
            throw new DomainRejection("model-version-retired", $"{model.ModelVersionId} is retired.");
        }
    }
}
