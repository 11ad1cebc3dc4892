using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>The state a promotion's events evolve into, and its round trip through JSON.</summary>
public sealed class PromotionStateTests
{
    [Fact]
    public void Given_evaluations_When_evolving_Then_the_latest_decision_is_kept_and_the_approval_closes_it()
    {
        var deny = PolicyDecisions.Deny(Mv, Stage.Production);
        var allow = PolicyDecisions.Allow(Mv, Stage.Production);
        var spec = Spec();

        var denied = spec.Given(ToProduction, Granted("bob"), Evaluated(deny, "bob")).State;
        var approved = spec
            .Given(
                ToProduction,
                Granted("bob"),
                Evaluated(deny, "bob"),
                Granted("carol", 2),
                Evaluated(allow, "bob", "carol"),
                new PromotionApproved(Pid, Mv, Stage.Production, ["bob", "carol"], Fixed.Later(3)))
            .State;

        Assert.Equal((PromotionStatus.Pending, (DateTimeOffset?)null), (denied.Status, denied.ClosedAt));
        Assert.Same(deny, denied.LatestDecision);
        Assert.Equal((PromotionStatus.Approved, (DateTimeOffset?)Fixed.Later(3)), (approved.Status, approved.ClosedAt));
        Assert.Same(allow, approved.LatestDecision);
    }

    [Fact]
    public void Given_request_and_decisions_When_evolving_Then_state_holds_every_fact()
    {
        var state = Spec()
            .Given(ToProduction, Granted("bob"), Granted("carol", 2), new PromotionApproved(Pid, Mv, Stage.Production, ["bob", "carol"], Fixed.Later(2)))
            .State;

        Assert.Equal(("promotions/promo-1", Pid, PromotionStatus.Approved), (state.Id, state.PromotionId, state.Status));
        Assert.Equal((Mv, "churn", "7", Fixed.ArtifactSha), (state.ModelVersionId, state.Model, state.Version, state.ArtifactSha256));
        Assert.Equal((Stage.Production, "beats baseline"), (state.TargetStage, state.Justification));
        Assert.Equal((Requester, (DateTimeOffset?)Fixed.Now), (state.RequestedBy, state.RequestedAt));
        Assert.Equal(["bob", "carol"], state.Approvers);
        Assert.Equal([("bob", "approve"), ("carol", "approve")], state.Decisions.Select(d => (d.Approver, d.Decision)));
        Assert.Equal(Fixed.Later(2), state.ClosedAt);
    }

    [Fact]
    public void Given_mixed_decisions_When_listing_approvers_Then_only_distinct_granters_in_order()
    {
        var state = Spec()
            .Given(ToProduction, Granted("carol"), new ApprovalRejected(Pid, "dave", [], "no", Fixed.Later(2)), Granted("bob", 3), Granted("carol", 4))
            .State;

        Assert.Equal(["carol", "bob"], state.Approvers);
        Assert.Equal(["approve", "reject", "approve", "approve"], state.Decisions.Select(d => d.Decision));
    }

    [Fact]
    public void Given_withdrawal_When_evolving_Then_closer_and_reason_are_kept()
    {
        var state = Spec().Given(ToProduction, new PromotionWithdrawn(Pid, "root", "stale", Fixed.Later(1))).State;

        Assert.Equal((PromotionStatus.Withdrawn, "root", "stale"), (state.Status, state.ClosedBy, state.CloseReason));
        Assert.Equal(Fixed.Later(1), state.ClosedAt);
    }

    [Fact]
    public void Given_pending_promotion_When_evolving_an_unknown_event_Then_state_is_unchanged()
    {
        var state = Spec().Given(ToProduction).State;

        Assert.Same(state, Promotion.Evolve(state, new object()));
    }

    [Fact]
    public void Given_promotion_state_When_round_tripping_through_json_Then_nothing_is_lost()
    {
        var state = Spec().Given(ToProduction, Granted("bob"), Evaluated(PolicyDecisions.Deny(Mv, Stage.Production), "bob")).State;

        var copy = Json.RoundTrip(state);

        Assert.Equal(Json.Describe(state), Json.Describe(copy));
        Assert.Equal(Pid, copy.PromotionId);
        Assert.Equal(PolicyDecisions.DeniedSummary, copy.LatestDecision?.Summary);
    }
}
