using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Evaluating.PolicyEngineSamples;

namespace MlLedger.Policies.Tests.Evaluating;

/// <summary>The ledger's own rules in a decision: listed first for deployments and checks by environment, never for promotions.</summary>
public sealed class PolicyEngineLedgerRulesTests
{
    [Fact]
    public void Given_a_deployment_When_evaluated_Then_the_ledger_rules_come_first_but_are_no_applied_policy()
    {
        var set = Sets.WithRules(Pass);

        var decision = PolicyEngine.Evaluate(set, Facts.Deployment());

        Assert.True(decision.Allowed);
        Assert.Equal(
            ["ledger/not-retired", "ledger/stage-reached", "ledger/registered-artifact", "p/artifact"],
            decision.Rules.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.Equal([new AppliedPolicy("p", "1")], decision.Policies);
        Assert.Equal("allowed: 1 rule(s) of p v1 passed", decision.Summary);
    }

    [Fact]
    public void Given_a_check_by_environment_When_evaluated_Then_it_gets_the_ledger_rules_a_deployment_would()
    {
        var set = Sets.WithRules(Pass);
        var deployment = Facts.Deployment().WithModel(m => m with { Stage = "staging" });
        var check = deployment.WithRequest(r => r with { Kind = PolicyRequestKinds.Check });

        var checkDecision = PolicyEngine.Evaluate(set, check);
        var deploymentDecision = PolicyEngine.Evaluate(set, deployment);

        Assert.False(checkDecision.Allowed);
        Assert.Equal(["ledger/stage-reached"], checkDecision.Failures.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.Equal(
            deploymentDecision.Rules.Select(r => (r.Policy, r.Rule, r.Outcome, r.Reason)),
            checkDecision.Rules.Select(r => (r.Policy, r.Rule, r.Outcome, r.Reason)));
        Assert.Equal(deploymentDecision.Summary, checkDecision.Summary);
    }

    [Fact]
    public void Given_a_promotion_When_evaluated_Then_no_ledger_rule_is_listed_even_for_a_retired_version_below_the_stage()
    {
        var set = Sets.WithRules(Pass);
        var facts = Facts.Production()
            .WithModel(m => m with { Retired = true, Stage = "none" })
            .WithRequest(r => r with { Environment = "prod-eu", ArtifactSha256 = Facts.OtherSha });

        var decision = PolicyEngine.Evaluate(set, facts);

        Assert.Equal(["p/artifact"], decision.Rules.Select(r => $"{r.Policy}/{r.Rule}"));
    }

    [Fact]
    public void Given_a_check_by_stage_only_When_evaluated_Then_no_ledger_rule_is_listed()
    {
        var set = Sets.WithRules(Pass);
        var facts = Facts.Production()
            .WithModel(m => m with { Retired = true })
            .WithRequest(r => r with { Kind = PolicyRequestKinds.Check, Environment = null });

        var decision = PolicyEngine.Evaluate(set, facts);

        Assert.True(decision.Allowed, decision.Summary);
        Assert.Equal(["p/artifact"], decision.Rules.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.DoesNotContain(decision.Rules, r => r.Policy == Sets.LedgerPolicy);
    }

    [Fact]
    public void Given_a_deployment_to_a_stage_none_environment_and_no_policy_When_the_ledger_rules_pass_Then_allowed()
    {
        var set = Sets.WithRules(Pass);
        var facts = Facts.Deployment("dev-1").WithModel(m => m with { Stage = "none" }).WithRequest(r => r with { TargetStage = "none" });

        var decision = PolicyEngine.Evaluate(set, facts);

        Assert.True(decision.Allowed);
        Assert.Equal("allowed: stage none needs no policy", decision.Summary);
        Assert.Empty(decision.Policies);
        Assert.Equal(["ledger/not-retired", "ledger/stage-reached", "ledger/registered-artifact"], decision.Rules.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.All(decision.Rules, r => Assert.Equal(RuleOutcomes.Passed, r.Outcome));
    }

    [Theory]
    [InlineData(true, Facts.Sha, "ledger/not-retired")]
    [InlineData(false, Facts.OtherSha, "ledger/registered-artifact")]
    public void Given_a_deployment_to_a_stage_none_environment_and_no_policy_When_a_ledger_rule_fails_Then_denied(
        bool retired, string sha, string failed)
    {
        var set = Sets.WithRules(Pass);
        var facts = Facts.Deployment("dev-1", sha).WithModel(m => m with { Stage = "none", Retired = retired }).WithRequest(r => r with { TargetStage = "none" });

        var decision = PolicyEngine.Evaluate(set, facts);

        Assert.False(decision.Allowed);
        Assert.Empty(decision.Policies);
        Assert.Equal([failed], decision.Failures.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.StartsWith($"denied: {failed}: ", decision.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_deployment_whose_policies_pass_When_a_ledger_rule_fails_Then_denied_by_the_ledger_rule_alone()
    {
        var set = Sets.WithRules(Pass);

        var decision = PolicyEngine.Evaluate(set, Facts.Deployment().WithModel(m => m with { Stage = "staging" }));

        Assert.False(decision.Allowed);
        Assert.Equal(["ledger/stage-reached"], decision.Failures.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.Equal("denied: ledger/stage-reached: churn@7 is in stage 'staging'; environment 'prod-eu' requires 'production'", decision.Summary);
        Assert.Equal([new AppliedPolicy("p", "1")], decision.Policies);
    }

    [Fact]
    public void Given_a_deployment_to_a_stage_no_policy_covers_When_the_ledger_rules_pass_Then_still_denied_because_no_policy_applies()
    {
        var set = Sets.With(("p.yaml", PolicyWith("  stages: [production]\n  models: [fraud]")));

        var decision = PolicyEngine.Evaluate(set, Facts.Deployment());

        Assert.False(decision.Allowed);
        Assert.Equal("denied: no policy applies to churn@7 for stage production", decision.Summary);
        Assert.Empty(decision.Policies);
        Assert.All(decision.Rules, r => Assert.Equal(Sets.LedgerPolicy, r.Policy));
        Assert.Empty(decision.Failures);
    }
}
