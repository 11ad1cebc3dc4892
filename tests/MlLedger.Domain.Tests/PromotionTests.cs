using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;

namespace MlLedger.Domain.Tests;

public sealed class PromotionTests
{
    private const string Pid = "promo-1";
    private const string Mv = "churn@7";
    private const string Requester = "alice";

    private static readonly ModelVersionFacts Model = new(Mv, Exists: true, Retired: false, Fixed.ArtifactSha, Stage.Staging);

    private static readonly PromotionRequested ToProduction = new(
        Pid, Mv, "churn", "7", Fixed.ArtifactSha, Stage.Production, "beats baseline", Requester, Fixed.Now);

    private static readonly PromotionRequested ToStaging = ToProduction with { TargetStage = Stage.Staging };

    private static DeciderSpec<Promotion> Spec() => DeciderSpec.For(PromotionDecider.Decide, Promotion.Evolve, Promotion.Initial);

    private static RequestPromotion Request(ModelVersionFacts? model = null, Stage target = Stage.Production) =>
        new(Pid, model ?? Model, target, "beats baseline", Requester, Fixed.Now);

    private static ApprovePromotion Approve(string approver, int minutes = 1, ModelVersionFacts? model = null) =>
        new(approver, ["approver"], "looks good", model ?? Model, Fixed.Later(minutes));

    private static ApprovalGranted Granted(string approver, int minutes = 1) =>
        new(Pid, approver, ["approver"], "looks good", Fixed.ArtifactSha, Fixed.Later(minutes));

    private static RejectPromotion Reject(string approver) => new(approver, ["risk-officer"], "auc too low", Fixed.Later(5));

    private static readonly PromotionRejected RejectedByCarol = new(Pid, "carol", "auc too low", Fixed.Later(5));

    private static readonly PromotionApproved ApprovedToStaging = new(Pid, Mv, Stage.Staging, ["bob"], Fixed.Later(1));

    private static PolicyFacts FactsWith(params string[] approvers) =>
        PolicyDecisions.Facts(Pid, Mv, Stage.Production, Requester, Fixed.Later(3), approvers);

    private static RecordPolicyEvaluation Evaluation(PolicyDecision decision, params string[] approvers) =>
        new(FactsWith(approvers), decision, Fixed.Later(3));

    private static PolicyEvaluated Evaluated(PolicyDecision decision, params string[] approvers) =>
        new(Pid, Fixed.PolicySetDigest, decision.Allowed, FactsWith(approvers), decision, Fixed.Later(3));

    [Fact]
    public void Given_nothing_When_requesting_production_Then_requested_bound_to_the_artifact() =>
        Spec().When(Request()).Then(ToProduction);

    [Fact]
    public void Given_nothing_When_requesting_Then_the_promotion_is_pending_without_a_decision()
    {
        var state = Spec().When(Request()).Then(ToProduction);

        Assert.Equal(PromotionStatus.Pending, state.Status);
        Assert.Null(state.LatestDecision);
    }

    [Fact]
    public void Given_existing_promotion_When_requesting_again_Then_rejected_as_already_exists() =>
        Spec().Given(ToProduction).When(Request()).ThenRejected("promotion-already-exists");

    [Fact]
    public void Given_nothing_When_requesting_for_a_missing_model_version_Then_rejected_as_not_found() =>
        Spec().When(Request(ModelVersionFacts.NotFound("churn", "7"))).ThenRejected("model-version-not-found");

    [Fact]
    public void Given_nothing_When_requesting_for_a_retired_version_Then_rejected_as_retired() =>
        Spec().When(Request(Model with { Retired = true })).ThenRejected("model-version-retired");

    [Fact]
    public void Given_nothing_When_requesting_stage_none_Then_rejected_as_invalid_target_stage() =>
        Spec().When(Request(Model with { Stage = Stage.None }, Stage.None)).ThenRejected("invalid-target-stage");

    [Theory]
    [InlineData(Stage.Staging, Stage.Staging)]
    [InlineData(Stage.Production, Stage.Production)]
    [InlineData(Stage.Production, Stage.Staging)]
    public void Given_nothing_When_requesting_a_stage_not_above_the_current_one_Then_rejected_as_already_in_stage(Stage current, Stage target) =>
        Spec().When(Request(Model with { Stage = current }, target)).ThenRejected("already-in-stage");

    [Fact]
    public void Given_production_request_When_first_person_approves_Then_approval_granted_without_completion() =>
        Spec().Given(ToProduction).When(Approve("bob")).Then(Granted("bob"));

    [Fact]
    public void Given_production_request_approved_once_When_a_second_person_approves_Then_only_the_approval_is_granted()
    {
        var state = Spec().Given(ToProduction, Granted("bob")).When(Approve("carol", 2)).Then(Granted("carol", 2));

        Assert.Equal(PromotionStatus.Pending, state.Status);
        Assert.Equal(["bob", "carol"], state.Approvers);
    }

    [Fact]
    public void Given_staging_request_When_one_person_approves_Then_it_stays_pending_until_the_policies_decide()
    {
        var state = Spec().Given(ToStaging).When(Approve("bob", model: Model with { Stage = Stage.None })).Then(Granted("bob"));

        Assert.Equal(PromotionStatus.Pending, state.Status);
        Assert.Null(state.ClosedAt);
    }

    [Fact]
    public void Given_production_request_When_another_promotion_already_moved_the_version_to_production_Then_rejected_as_already_in_stage() =>
        Spec()
            .Given(ToProduction)
            .When(Approve("bob", model: Model with { Stage = Stage.Production }))
            .ThenRejected("already-in-stage");

    [Fact]
    public void Given_production_request_approved_by_bob_When_bob_approves_again_Then_rejected_as_already_decided() =>
        Spec().Given(ToProduction, Granted("bob")).When(Approve("bob", 2)).ThenRejected("already-decided");

    [Fact]
    public void Given_pending_promotion_When_requester_approves_Then_rejected_as_self_approval() =>
        Spec()
            .Given(ToStaging)
            .When(Approve(Requester) with { Roles = ["approver", "admin", "risk-officer"] })
            .ThenRejected("self-approval");

    [Fact]
    public void Given_pending_promotion_When_a_user_differing_only_in_case_approves_Then_they_count_as_another_person() =>
        Spec().Given(ToProduction).When(Approve("Alice")).Then(Granted("Alice"));

    [Fact]
    public void Given_pending_promotion_When_the_version_was_retired_since_Then_rejected_as_retired() =>
        Spec().Given(ToProduction).When(Approve("bob", model: Model with { Retired = true })).ThenRejected("model-version-retired");

    [Fact]
    public void Given_pending_promotion_When_the_artifact_differs_from_the_requested_one_Then_rejected_as_artifact_changed() =>
        Spec().Given(ToProduction).When(Approve("bob", model: Model with { ArtifactSha256 = Fixed.OtherSha })).ThenRejected("artifact-changed");

    [Fact]
    public void Given_pending_promotion_When_the_artifact_digest_differs_only_in_hex_case_Then_approval_granted() =>
        Spec()
            .Given(ToProduction)
            .When(Approve("bob", model: Model with { ArtifactSha256 = Fixed.ArtifactSha.ToUpperInvariant() }))
            .Then(Granted("bob"));

    [Fact]
    public void Given_nothing_When_approving_Then_rejected_as_not_found() =>
        Spec().When(Approve("bob")).ThenRejected("promotion-not-found");

    [Fact]
    public void Given_approved_promotion_When_approving_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToStaging, Granted("bob"), ApprovedToStaging)
            .When(Approve("carol", 2))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_pending_promotion_When_a_person_rejects_Then_approval_rejected_and_promotion_rejected() =>
        Spec()
            .Given(ToProduction, Granted("bob"))
            .When(Reject("carol"))
            .Then(new ApprovalRejected(Pid, "carol", ["risk-officer"], "auc too low", Fixed.Later(5)), RejectedByCarol);

    [Fact]
    public void Given_rejected_promotion_When_someone_approves_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, new ApprovalRejected(Pid, "carol", [], null, Fixed.Later(5)), RejectedByCarol)
            .When(Approve("bob", 6))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_nothing_When_rejecting_Then_rejected_as_not_found() =>
        Spec().When(Reject("carol")).ThenRejected("promotion-not-found");

    [Fact]
    public void Given_withdrawn_promotion_When_rejecting_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, new PromotionWithdrawn(Pid, Requester, null, Fixed.Later(1)))
            .When(Reject("carol"))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_pending_promotion_When_requester_rejects_Then_rejected_as_self_rejection() =>
        Spec().Given(ToProduction).When(Reject(Requester)).ThenRejected("self-rejection");

    [Fact]
    public void Given_promotion_approved_by_bob_When_bob_rejects_Then_rejected_as_already_decided() =>
        Spec().Given(ToProduction, Granted("bob")).When(Reject("bob")).ThenRejected("already-decided");

    [Fact]
    public void Given_pending_promotion_When_requester_withdraws_Then_promotion_withdrawn() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion(Requester, false, "wrong version", Fixed.Later(1)))
            .Then(new PromotionWithdrawn(Pid, Requester, "wrong version", Fixed.Later(1)));

    [Fact]
    public void Given_pending_promotion_When_an_admin_withdraws_Then_promotion_withdrawn() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion("root", true, "stale", Fixed.Later(1)))
            .Then(new PromotionWithdrawn(Pid, "root", "stale", Fixed.Later(1)));

    [Fact]
    public void Given_pending_promotion_When_a_stranger_withdraws_Then_rejected_as_not_requester() =>
        Spec().Given(ToProduction).When(new WithdrawPromotion("mallory", false, null, Fixed.Later(1))).ThenRejected("not-requester");

    [Fact]
    public void Given_nothing_When_withdrawing_Then_rejected_as_not_found() =>
        Spec().When(new WithdrawPromotion(Requester, false, null, Fixed.Now)).ThenRejected("promotion-not-found");

    [Fact]
    public void Given_rejected_promotion_When_requester_withdraws_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, RejectedByCarol)
            .When(new WithdrawPromotion(Requester, false, null, Fixed.Later(6)))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_two_approvals_When_the_policies_allow_Then_evaluation_recorded_and_promotion_approved_by_both()
    {
        var allow = PolicyDecisions.Allow(Mv, Stage.Production);

        var state = Spec()
            .Given(ToProduction, Granted("bob"), Granted("carol", 2))
            .When(Evaluation(allow, "bob", "carol"))
            .Then(Evaluated(allow, "bob", "carol"), new PromotionApproved(Pid, Mv, Stage.Production, ["bob", "carol"], Fixed.Later(3)));

        Assert.Equal((PromotionStatus.Approved, (DateTimeOffset?)Fixed.Later(3)), (state.Status, state.ClosedAt));
        Assert.Same(allow, state.LatestDecision);
    }

    [Fact]
    public void Given_a_repeated_approval_When_the_policies_allow_Then_each_approver_is_listed_once_in_order() =>
        Spec()
            .Given(ToProduction, Granted("carol"), Granted("bob", 2), Granted("carol", 3))
            .When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production), "carol", "bob"))
            .Then(
                Evaluated(PolicyDecisions.Allow(Mv, Stage.Production), "carol", "bob"),
                new PromotionApproved(Pid, Mv, Stage.Production, ["carol", "bob"], Fixed.Later(3)));

    [Fact]
    public void Given_a_fresh_request_When_the_policies_allow_without_approvals_Then_promotion_approved_by_nobody() =>
        Spec()
            .Given(ToProduction)
            .When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production)))
            .Then(Evaluated(PolicyDecisions.Allow(Mv, Stage.Production)), new PromotionApproved(Pid, Mv, Stage.Production, [], Fixed.Later(3)));

    [Fact]
    public void Given_one_approval_When_the_policies_deny_Then_only_the_evaluation_is_recorded_and_it_stays_pending()
    {
        var deny = PolicyDecisions.Deny(Mv, Stage.Production);

        var state = Spec().Given(ToProduction, Granted("bob")).When(Evaluation(deny, "bob")).Then(Evaluated(deny, "bob"));

        Assert.Equal(PromotionStatus.Pending, state.Status);
        Assert.Null(state.ClosedAt);
        Assert.Same(deny, state.LatestDecision);
    }

    [Fact]
    public void Given_a_denied_evaluation_When_another_person_approves_Then_approval_granted() =>
        Spec()
            .Given(ToProduction, Granted("bob"), Evaluated(PolicyDecisions.Deny(Mv, Stage.Production), "bob"))
            .When(Approve("carol", 4))
            .Then(Granted("carol", 4));

    [Fact]
    public void Given_nothing_When_recording_an_evaluation_Then_rejected_as_not_found() =>
        Spec().When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production))).ThenRejected("promotion-not-found");

    [Fact]
    public void Given_approved_promotion_When_recording_an_evaluation_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, Granted("bob"), Granted("carol", 2), new PromotionApproved(Pid, Mv, Stage.Production, ["bob", "carol"], Fixed.Later(2)))
            .When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production), "bob", "carol"))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_rejected_promotion_When_recording_an_evaluation_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, new ApprovalRejected(Pid, "carol", ["risk-officer"], "auc too low", Fixed.Later(5)), RejectedByCarol)
            .When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production)))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_withdrawn_promotion_When_recording_an_evaluation_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, new PromotionWithdrawn(Pid, Requester, "wrong version", Fixed.Later(1)))
            .When(Evaluation(PolicyDecisions.Allow(Mv, Stage.Production)))
            .ThenRejected("promotion-not-pending");

    [Fact]
    public void Given_pending_promotion_When_the_decision_is_about_another_model_version_Then_argument_exception()
    {
        var state = Spec().Given(ToProduction, Granted("bob")).State;

        Assert.Throws<ArgumentException>(
            () => PromotionDecider.Decide(Evaluation(PolicyDecisions.Allow("churn@8", Stage.Production), "bob"), state));
    }

    [Fact]
    public void Given_pending_promotion_When_the_decision_is_about_another_stage_Then_argument_exception()
    {
        var state = Spec().Given(ToProduction, Granted("bob")).State;

        Assert.Throws<ArgumentException>(
            () => PromotionDecider.Decide(Evaluation(PolicyDecisions.Allow(Mv, Stage.Staging), "bob"), state));
    }

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
