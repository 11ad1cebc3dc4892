using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>Approving and rejecting a promotion: who may, and when the promotion can no longer be decided on.</summary>
public sealed class PromotionApprovalTests
{
    private static readonly PromotionRequested ToStaging = ToProduction with { TargetStage = Stage.Staging };

    private static RejectPromotion Reject(string approver) => new(approver, ["risk-officer"], "auc too low", Fixed.Later(5));

    private static readonly PromotionApproved ApprovedToStaging = new(Pid, Mv, Stage.Staging, ["bob"], Fixed.Later(1));

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
}
