using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

/// <summary>The ledger's own deployment rules: not-retired, stage-reached and registered-artifact.</summary>
public sealed class LedgerRulesTests
{
    private static readonly PolicySet Set = Sets.With(("p.yaml", Sets.Policy(stages: "[staging, production]", rules: """
          - id: approved-artifact
            kind: artifact
        """)));

    private static PolicyDecision Decide(PolicyFacts facts) => PolicyEngine.Evaluate(Set, facts);

    private static RuleResult Ledger(string rule, PolicyFacts facts) =>
        Assert.Single(Decide(facts).Rules, r => r.Policy == Sets.LedgerPolicy && r.Rule == rule);

    private static PolicyFacts Deploying(string modelStage, string environment, string targetStage) =>
        Facts.Deployment(environment).WithModel(m => m with { Stage = modelStage }).WithRequest(r => r with { TargetStage = targetStage });

    [Fact]
    public void Given_a_deployment_that_breaks_no_ledger_rule_When_evaluated_Then_each_passes_with_its_reason_and_the_model_entry()
    {
        var decision = Decide(Facts.Deployment());

        Assert.True(decision.Allowed);
        Assert.Equal(
            [
                ("ledger", "not-retired", "ledger", RuleOutcomes.Passed, "churn@7 is not retired"),
                ("ledger", "stage-reached", "ledger", RuleOutcomes.Passed, "churn@7 is in stage 'production'; environment 'prod-eu' requires 'production'"),
                ("ledger", "registered-artifact", "ledger", RuleOutcomes.Passed, $"the artifact sha256 {Facts.Sha} is churn@7's registered artifact"),
            ],
            Sets.LedgerResults(decision).Select(r => (r.Policy, r.Rule, r.Kind, r.Outcome, r.Reason)));
        Assert.All(Sets.LedgerResults(decision), r => Assert.Equal([Facts.ModelEntry], r.Evidence));
    }

    [Fact]
    public void Given_a_retired_version_When_deployed_Then_not_retired_fails_and_the_deployment_is_denied()
    {
        var decision = Decide(Facts.Deployment().WithModel(m => m with { Retired = true }));

        Assert.False(decision.Allowed);
        var result = Assert.Single(decision.Failures);
        Assert.Equal(("ledger", "not-retired", "churn@7 is retired"), (result.Policy, result.Rule, result.Reason));
        Assert.Equal([Facts.ModelEntry], result.Evidence);
        Assert.Equal("denied: ledger/not-retired: churn@7 is retired", decision.Summary);
    }

    [Theory]
    [InlineData("production", "prod-eu", "production")]
    [InlineData("production", "staging-1", "staging")]
    [InlineData("staging", "staging-1", "staging")]
    [InlineData("staging", "dev-1", "none")]
    [InlineData("none", "dev-1", "none")]
    public void Given_a_version_at_or_above_the_stage_the_environment_requires_When_deployed_Then_stage_reached_passes(
        string modelStage, string environment, string targetStage)
    {
        var result = Ledger("stage-reached", Deploying(modelStage, environment, targetStage));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal($"churn@7 is in stage '{modelStage}'; environment '{environment}' requires '{targetStage}'", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Theory]
    [InlineData("staging", "prod-eu", "production")]
    [InlineData("none", "prod-eu", "production")]
    [InlineData("none", "staging-1", "staging")]
    public void Given_a_version_below_the_stage_the_environment_requires_When_deployed_Then_stage_reached_fails_naming_both(
        string modelStage, string environment, string targetStage)
    {
        var decision = Decide(Deploying(modelStage, environment, targetStage));

        Assert.False(decision.Allowed);
        var result = Assert.Single(decision.Failures);
        Assert.Equal("stage-reached", result.Rule);
        Assert.Equal($"churn@7 is in stage '{modelStage}'; environment '{environment}' requires '{targetStage}'", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_the_registered_digest_in_other_hex_case_When_deployed_Then_registered_artifact_passes()
    {
        var upper = Facts.Sha.ToUpperInvariant();

        var result = Ledger("registered-artifact", Facts.Deployment(sha: upper));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal($"the artifact sha256 {upper} is churn@7's registered artifact", result.Reason);
    }

    [Fact]
    public void Given_other_bytes_When_deployed_Then_registered_artifact_fails_naming_both_digests()
    {
        var result = Ledger("registered-artifact", Facts.Deployment(sha: Facts.OtherSha));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal($"the artifact sha256 {Facts.OtherSha} differs from churn@7's registered artifact sha256 {Facts.Sha}", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_version_whose_promotion_approved_other_bytes_When_those_bytes_are_deployed_Then_registered_artifact_still_fails()
    {
        // the promotion and the deployment agree with each other, but not with what was registered
        var facts = Facts.Deployment(sha: Facts.OtherSha) with { Promotion = Facts.Production().Promotion! with { ArtifactSha256 = Facts.OtherSha } };

        var decision = Decide(facts);

        Assert.False(decision.Allowed);
        Assert.Contains(decision.Failures, r => r.Policy == Sets.LedgerPolicy && r.Rule == "registered-artifact");
    }

    [Theory]
    [InlineData(PolicyRequestKinds.Deployment)]
    [InlineData(PolicyRequestKinds.Check)]
    public void Given_no_artifact_digest_When_evaluated_Then_registered_artifact_is_not_applicable_and_denies_nothing(string kind)
    {
        var facts = Facts.Deployment(sha: null).WithRequest(r => r with { Kind = kind });

        var decision = Decide(facts);
        var result = Assert.Single(decision.Rules, r => r.Rule == "registered-artifact");

        Assert.Equal(RuleOutcomes.NotApplicable, result.Outcome);
        Assert.Equal("no artifact digest was given; a deployment must name the digest it deploys, which is then compared", result.Reason);
        Assert.Empty(result.Evidence);
        Assert.True(decision.Allowed, decision.Summary);
    }

    [Fact]
    public void Given_a_model_version_fact_without_an_entry_When_deployed_Then_the_ledger_rules_cite_no_evidence()
    {
        var decision = Decide(Facts.Deployment().WithModel(m => m with { Entry = null }));

        Assert.Equal(3, Sets.LedgerResults(decision).Count);
        Assert.All(Sets.LedgerResults(decision), r => Assert.Empty(r.Evidence));
    }

    [Fact]
    public void Given_a_deployment_breaking_every_ledger_rule_When_evaluated_Then_each_is_reported_in_order_before_the_policies()
    {
        var facts = Facts.Deployment(sha: Facts.OtherSha).WithModel(m => m with { Retired = true, Stage = "staging" });

        var decision = Decide(facts);

        Assert.False(decision.Allowed);
        Assert.Equal(
            ["ledger/not-retired:failed", "ledger/stage-reached:failed", "ledger/registered-artifact:failed", "p/approved-artifact:failed"],
            decision.Rules.Select(r => $"{r.Policy}/{r.Rule}:{r.Outcome}"));
        Assert.Equal(
            "denied: ledger/not-retired: churn@7 is retired; "
            + "ledger/stage-reached: churn@7 is in stage 'staging'; environment 'prod-eu' requires 'production'; "
            + $"ledger/registered-artifact: the artifact sha256 {Facts.OtherSha} differs from churn@7's registered artifact sha256 {Facts.Sha}; "
            + $"p/approved-artifact: the deployed artifact sha256 {Facts.OtherSha} differs from the approved artifact sha256 {Facts.Sha}",
            decision.Summary);
    }
}
