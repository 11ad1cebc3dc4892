using MlLedger.Api.Auth;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Policies;
using MlLedger.Policies.Rules;

namespace MlLedger.Api.Promotions;

/// <summary>
/// Which pending promotions await one approver: those they may still decide (they hold the approver role, did not request
/// it and have not decided on it) and whose latest policy decision has a failing approvals rule that their approval would
/// advance: a quorum still short of more people than the roles it misses, or a role it misses that they hold.
/// A promotion not yet evaluated, or whose rule the current policy set no longer has, awaits every approver.
/// </summary>
internal sealed class Inbox(Actor caller, PolicySet policies)
{
    private readonly ActorIdentity _me = new(caller.Issuer, caller.Id);

    /// <summary>False when the caller cannot decide any promotion (no approver role): the inbox is empty.</summary>
    public bool MayDecide { get; } = caller.Roles.Contains(Roles.Approver, StringComparer.Ordinal);

    public bool Awaits(Promotion promotion)
    {
        if (!MayDecide || promotion.Status != PromotionStatus.Pending || promotion.Requester() is { } requester && requester.IsSamePersonAs(_me) ||
            promotion.Decisions.Any(d => d.Identity().IsSamePersonAs(_me)))
        {
            return false;
        }

        if (promotion.LatestDecision is not { } decision)
        {
            return true;
        }

        return decision.Failures.Where(r => r.Kind == RuleKinds.Approvals).Any(r => Advances(promotion, r));
    }

    private bool Advances(Promotion promotion, RuleResult result)
    {
        var rule = policies.Policies.Where(p => p.Id == result.Policy).SelectMany(p => p.Rules)
            .OfType<ApprovalsRule>().FirstOrDefault(r => r.Id == result.Rule);
        if (rule is null)
        {
            return true;
        }

        var requester = promotion.Requester();
        var counted = promotion.Decisions
            .Where(d => d.Decision == ApprovalDecision.Approve && (requester is null || !d.Identity().IsSamePersonAs(requester)))
            .ToList();
        var people = counted.Select(d => d.Identity()).Distinct().Count();
        var missingAnyOf = rule.AnyOfRoles.Count > 0 && !counted.Any(d => d.Roles.Intersect(rule.AnyOfRoles, StringComparer.Ordinal).Any());
        var missingEach = rule.EachOfRoles.Where(role => !counted.Any(d => d.Roles.Contains(role, StringComparer.Ordinal))).ToList();
        var roleGaps = (missingAnyOf ? 1 : 0) + missingEach.Count;
        return rule.Count - people > roleGaps ||
               missingAnyOf && caller.Roles.Intersect(rule.AnyOfRoles, StringComparer.Ordinal).Any() ||
               missingEach.Any(role => caller.Roles.Contains(role, StringComparer.Ordinal));
    }
}
