using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>Recording a policy evaluation on a promotion: an allowing decision approves it, a denying one leaves it pending.</summary>
public sealed class PromotionPolicyEvaluationTests
{
    private static RecordPolicyEvaluation Evaluation(PolicyDecision decision, params string[] approvers) =>
        new(FactsWith(approvers), decision, Fixed.Later(3));

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
}
