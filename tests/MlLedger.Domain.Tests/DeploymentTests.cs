using MlLedger.Domain.Deployments;
using MlLedger.Domain.Models;

namespace MlLedger.Domain.Tests;

public sealed class DeploymentTests
{
    private const string Did = "dep-1";
    private const string Mv = "churn@7";
    private const string Endpoint = "https://churn.prod-eu.example";

    private static readonly ModelVersionFacts InProduction = new(Mv, Exists: true, Retired: false, Fixed.ArtifactSha, Stage.Production);

    private static readonly DeploymentRecorded Recorded = new(
        Did, Mv, "churn", "7", "prod-eu", Endpoint, Fixed.ArtifactSha, Stage.Production, "pipeline-1", Fixed.Now)
    {
        Decision = PolicyDecisions.Allow(Mv, Stage.Production),
    };

    private static DeciderSpec<Deployment> Spec() => DeciderSpec.For(DeploymentDecider.Decide, Deployment.Evolve, Deployment.Initial);

    /// <summary>A deployment to an environment the policy set maps to <paramref name="stage"/>, with a decision allowing it.</summary>
    private static RecordDeployment Deploy(
        ModelVersionFacts? model = null, string environment = "prod-eu", Stage? stage = Stage.Production, string? sha = null) =>
        new(
            Did, model ?? InProduction, "churn", "7", environment, Endpoint, sha ?? Fixed.ArtifactSha, stage,
            stage is { } required ? PolicyDecisions.Allow(Mv, required) : null, "pipeline-1", Fixed.Now);

    private static DeploymentBlocked Blocked(string code, string reason, string environment = "prod-eu", string? sha = null) =>
        new(Did, Mv, "churn", "7", environment, Endpoint, sha ?? Fixed.ArtifactSha, code, reason, "pipeline-1", Fixed.Now);

    private static string BlockCodeOf(RecordDeployment command) =>
        Assert.IsType<DeploymentBlocked>(Assert.Single(DeploymentDecider.Decide(command, Deployment.Initial))).Code;

    [Fact]
    public void Given_nothing_When_deploying_a_production_version_to_prod_with_an_allowing_decision_Then_recorded_with_the_decision()
    {
        var state = Spec().When(Deploy()).Then(Recorded);

        Assert.Equal(DeploymentStatus.Active, state.Status);
        Assert.Equal(PolicyDecisions.Allow(Mv, Stage.Production).Summary, state.Decision?.Summary);
    }

    [Fact]
    public void Given_nothing_When_deploying_a_version_in_stage_none_to_dev_Then_deployment_recorded() =>
        Spec()
            .When(Deploy(InProduction with { Stage = Stage.None }, "dev-laptop", Stage.None))
            .Then(Recorded with { Environment = "dev-laptop", RequiredStage = Stage.None, Decision = PolicyDecisions.Allow(Mv, Stage.None) });

    [Fact]
    public void Given_nothing_When_deploying_a_production_version_to_staging_Then_deployment_recorded() =>
        Spec()
            .When(Deploy(environment: "staging-eu", stage: Stage.Staging))
            .Then(Recorded with { Environment = "staging-eu", RequiredStage = Stage.Staging, Decision = PolicyDecisions.Allow(Mv, Stage.Staging) });

    [Fact]
    public void Given_nothing_When_deploying_to_an_unknown_environment_Then_blocked_as_unknown_environment() =>
        Spec()
            .When(Deploy(environment: "qa-1", stage: null))
            .Then(Blocked("unknown-environment", "Environment 'qa-1' matches no environment rule, so no stage requirement is known.", "qa-1"));

    [Fact]
    public void Given_nothing_When_deploying_a_retired_version_Then_blocked_as_retired_before_any_decision_is_needed() =>
        Spec()
            .When(Deploy(InProduction with { Retired = true }) with { Decision = null })
            .Then(Blocked("model-version-retired", "churn@7 is retired."));

    [Fact]
    public void Given_nothing_When_deploying_a_staging_version_to_prod_Then_blocked_as_stage_not_reached_before_any_decision_is_needed() =>
        Spec()
            .When(Deploy(InProduction with { Stage = Stage.Staging }) with { Decision = null })
            .Then(Blocked("stage-not-reached", "churn@7 is in stage 'staging'; environment 'prod-eu' requires 'production'."));

    [Fact]
    public void Given_nothing_When_deployed_bytes_differ_from_the_registered_artifact_Then_blocked_as_artifact_mismatch()
    {
        var command = Deploy(sha: Fixed.OtherSha) with { Decision = null };

        var blocked = Assert.IsType<DeploymentBlocked>(Assert.Single(DeploymentDecider.Decide(command, Deployment.Initial)));

        Assert.Equal("artifact-mismatch", blocked.Code);
        Assert.Equal(Fixed.OtherSha, blocked.ArtifactSha256);
        Assert.Contains(Fixed.OtherSha, blocked.Reason, StringComparison.Ordinal);
        Assert.Contains(Fixed.ArtifactSha, blocked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_nothing_When_the_digest_differs_only_in_hex_case_Then_deployment_recorded() =>
        Spec().When(Deploy(sha: Fixed.ArtifactSha.ToUpperInvariant())).Then(Recorded with { ArtifactSha256 = Fixed.ArtifactSha.ToUpperInvariant() });

    [Fact]
    public void Given_nothing_When_the_policies_deny_Then_blocked_as_policy_denied_with_the_decision_and_its_summary()
    {
        var deny = PolicyDecisions.Deny(Mv, Stage.Production);

        var state = Spec()
            .When(Deploy() with { Decision = deny })
            .Then(Blocked("policy-denied", PolicyDecisions.DeniedSummary) with { Decision = PolicyDecisions.Deny(Mv, Stage.Production) });

        Assert.Equal((DeploymentStatus.Blocked, "policy-denied", PolicyDecisions.DeniedSummary), (state.Status, state.BlockCode, state.BlockReason));
        Assert.Same(deny, state.Decision);
    }

    [Fact]
    public void Given_several_failures_When_deploying_Then_the_first_in_order_wins()
    {
        var everythingWrong = Deploy(InProduction with { Retired = true, Stage = Stage.None }, sha: Fixed.OtherSha) with
        {
            Decision = PolicyDecisions.Deny(Mv, Stage.Production),
        };

        Assert.Equal("unknown-environment", BlockCodeOf(everythingWrong with { Environment = "qa-1", RequiredStage = null, Decision = null }));
        Assert.Equal("model-version-retired", BlockCodeOf(everythingWrong));
        Assert.Equal("stage-not-reached", BlockCodeOf(everythingWrong with { ModelVersion = InProduction with { Stage = Stage.None } }));
        Assert.Equal("artifact-mismatch", BlockCodeOf(everythingWrong with { ModelVersion = InProduction }));
        Assert.Equal("policy-denied", BlockCodeOf(everythingWrong with { ModelVersion = InProduction, ArtifactSha256 = Fixed.ArtifactSha }));
    }

    [Fact]
    public void Given_a_known_stage_and_nothing_else_wrong_When_no_decision_is_given_Then_argument_exception() =>
        Assert.Throws<ArgumentException>(() => DeploymentDecider.Decide(Deploy() with { Decision = null }, Deployment.Initial));

    [Fact]
    public void Given_nothing_When_the_decision_is_about_another_model_version_Then_argument_exception() =>
        Assert.Throws<ArgumentException>(
            () => DeploymentDecider.Decide(Deploy() with { Decision = PolicyDecisions.Allow("churn@8", Stage.Production) }, Deployment.Initial));

    [Fact]
    public void Given_nothing_When_the_decision_is_about_another_stage_Then_argument_exception() =>
        Assert.Throws<ArgumentException>(
            () => DeploymentDecider.Decide(Deploy() with { Decision = PolicyDecisions.Allow(Mv, Stage.Staging) }, Deployment.Initial));

    [Fact]
    public void Given_nothing_When_deploying_a_missing_model_version_Then_rejected_as_not_found() =>
        Spec().When(Deploy(ModelVersionFacts.NotFound("churn", "7"))).ThenRejected("model-version-not-found");

    [Fact]
    public void Given_recorded_deployment_When_recording_the_same_id_again_Then_rejected_as_already_exists() =>
        Spec().Given(Recorded).When(Deploy()).ThenRejected("deployment-already-exists");

    [Fact]
    public void Given_blocked_attempt_When_recording_the_same_id_again_Then_rejected_as_already_exists() =>
        Spec().Given(Blocked("model-version-retired", "churn@7 is retired.")).When(Deploy()).ThenRejected("deployment-already-exists");

    [Fact]
    public void Given_active_deployment_When_rolling_back_Then_deployment_rolled_back() =>
        Spec()
            .Given(Recorded)
            .When(new RollBackDeployment("latency regression", "oncall", Fixed.Later(5)))
            .Then(new DeploymentRolledBack(Did, "latency regression", "oncall", Fixed.Later(5)));

    [Fact]
    public void Given_active_deployment_When_retiring_Then_deployment_retired() =>
        Spec()
            .Given(Recorded)
            .When(new RetireDeployment("replaced by churn@8", "pipeline-1", Fixed.Later(5)))
            .Then(new DeploymentRetired(Did, "replaced by churn@8", "pipeline-1", Fixed.Later(5)));

    [Fact]
    public void Given_nothing_When_rolling_back_Then_rejected_as_not_found() =>
        Spec().When(new RollBackDeployment("why", "oncall", Fixed.Now)).ThenRejected("deployment-not-found");

    [Fact]
    public void Given_nothing_When_retiring_Then_rejected_as_not_found() =>
        Spec().When(new RetireDeployment("why", "oncall", Fixed.Now)).ThenRejected("deployment-not-found");

    [Fact]
    public void Given_blocked_attempt_When_rolling_back_Then_rejected_as_not_active() =>
        Spec()
            .Given(Blocked("model-version-retired", "churn@7 is retired."))
            .When(new RollBackDeployment("why", "oncall", Fixed.Later(1)))
            .ThenRejected("deployment-not-active");

    [Fact]
    public void Given_rolled_back_deployment_When_retiring_Then_rejected_as_not_active() =>
        Spec()
            .Given(Recorded, new DeploymentRolledBack(Did, "latency", "oncall", Fixed.Later(1)))
            .When(new RetireDeployment("why", "oncall", Fixed.Later(2)))
            .ThenRejected("deployment-not-active");

    [Fact]
    public void Given_recorded_and_rolled_back_When_evolving_Then_state_holds_every_fact()
    {
        var state = Spec().Given(Recorded, new DeploymentRolledBack(Did, "latency", "oncall", Fixed.Later(1))).State;

        Assert.Equal(("deployments/dep-1", Did, DeploymentStatus.RolledBack), (state.Id, state.DeploymentId, state.Status));
        Assert.Equal((Mv, "churn", "7"), (state.ModelVersionId, state.Model, state.Version));
        Assert.Equal(("prod-eu", Endpoint, Fixed.ArtifactSha, Stage.Production), (state.Environment, state.Endpoint, state.ArtifactSha256, state.RequiredStage));
        Assert.Equal(("pipeline-1", (DateTimeOffset?)Fixed.Now), (state.Actor, state.At));
        Assert.Equal(("latency", "oncall", (DateTimeOffset?)Fixed.Later(1)), (state.EndReason, state.EndedBy, state.EndedAt));
        Assert.Same(Recorded.Decision, state.Decision);
        Assert.Null(state.BlockCode);
    }

    [Fact]
    public void Given_blocked_attempt_When_evolving_Then_state_holds_the_refusal()
    {
        var state = Spec().Given(Blocked("stage-not-reached", "not yet")).State;

        Assert.Equal(("deployments/dep-1", DeploymentStatus.Blocked), (state.Id, state.Status));
        Assert.Equal(("stage-not-reached", "not yet"), (state.BlockCode, state.BlockReason));
        Assert.Equal(("prod-eu", "pipeline-1", (DateTimeOffset?)Fixed.Now), (state.Environment, state.Actor, state.At));
        Assert.Null(state.Decision);
    }

    [Fact]
    public void Given_retired_deployment_When_evolving_Then_status_is_retired()
    {
        var state = Spec().Given(Recorded, new DeploymentRetired(Did, "replaced", "pipeline-1", Fixed.Later(3))).State;

        Assert.Equal((DeploymentStatus.Retired, "replaced", (DateTimeOffset?)Fixed.Later(3)), (state.Status, state.EndReason, state.EndedAt));
    }

    [Fact]
    public void Given_active_deployment_When_evolving_an_unknown_event_Then_state_is_unchanged()
    {
        var state = Spec().Given(Recorded).State;

        Assert.Same(state, Deployment.Evolve(state, new object()));
    }

    [Fact]
    public void Given_deployment_state_When_round_tripping_through_json_Then_nothing_is_lost()
    {
        var state = Spec().Given(Recorded).State;

        var copy = Json.RoundTrip(state);

        Assert.Equal(Json.Describe(state), Json.Describe(copy));
        Assert.Equal(Did, copy.DeploymentId);
        Assert.Equal(Fixed.PolicySetDigest, copy.Decision?.PolicySetDigest);
    }
}
