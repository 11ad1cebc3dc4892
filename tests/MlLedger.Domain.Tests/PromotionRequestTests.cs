using MlLedger.Domain.Models;
using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>Requesting a promotion: bound to the artifact, and refused for versions that cannot be promoted there.</summary>
public sealed class PromotionRequestTests
{
    private static RequestPromotion Request(ModelVersionFacts? model = null, Stage target = Stage.Production) =>
        new(Pid, model ?? Model, target, "beats baseline", Requester, Fixed.Now) { ActorIssuer = Issuer };

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
}
