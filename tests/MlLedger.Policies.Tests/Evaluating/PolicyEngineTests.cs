using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Evaluating;

public sealed class PolicyEngineTests
{
    private const string Pass = """
          - id: artifact
            kind: artifact
        """;

    private static string PolicyWith(string appliesTo, string id = "p") => $"""
        apiVersion: mlledger.dev/v1
        kind: Policy
        id: {id}
        version: "1"
        appliesTo:
        {appliesTo}
        rules:
          - id: artifact
            kind: artifact
        """;

    private static PolicyFacts ForModel(string model, string? riskTier = null) =>
        Facts.Production().WithModel(m => m with { Model = model, RiskTier = riskTier });

    private static IReadOnlyList<string> Applied(PolicySet set, PolicyFacts facts) =>
        [.. PolicyEngine.Evaluate(set, facts).Policies.Select(p => p.Id)];

    [Fact]
    public void Given_two_applicable_policies_with_failing_rules_When_evaluated_Then_every_rule_is_listed_in_order()
    {
        var set = Sets.With(
            ("b.yaml", Sets.Policy(id: "b", version: "2", rules: """
                  - id: fails-first
                    kind: approvals
                    count: 5
                  - id: passes-after
                    kind: artifact
                """)),
            ("a.yaml", Sets.Policy(id: "a", rules: """
                  - id: expr
                    kind: expression
                    expression: "false"
                    message: never
                  - id: data
                    kind: datasets
                """)));

        var decision = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.False(decision.Allowed);
        Assert.Equal([new AppliedPolicy("a", "1"), new AppliedPolicy("b", "2")], decision.Policies);
        Assert.Equal(
            ["a/expr:failed", "a/data:passed", "b/fails-first:failed", "b/passes-after:passed"],
            decision.Rules.Select(r => $"{r.Policy}/{r.Rule}:{r.Outcome}"));
        Assert.Equal(["a/expr", "b/fails-first"], decision.Failures.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.Equal(
            "denied: a/expr: never; b/fails-first: 2 of 5 required approvals from distinct people other than the requester alice",
            decision.Summary);
    }

    [Fact]
    public void Given_every_rule_passes_When_evaluated_Then_allowed_with_a_summary_naming_the_policies()
    {
        var set = Sets.With(("a.yaml", Sets.Policy(Pass, id: "a")), ("b.yaml", Sets.Policy(Pass + "\n  - id: data\n    kind: datasets", id: "b", version: "3")));

        var decision = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.True(decision.Allowed);
        Assert.Equal("allowed: 3 rule(s) of a v1, b v3 passed", decision.Summary);
        Assert.Empty(decision.Failures);
    }

    [Fact]
    public void Given_any_decision_When_evaluated_Then_it_carries_the_set_digest_the_model_version_and_the_target_stage()
    {
        var set = Sets.WithRules(Pass);

        var decision = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.Equal(set.Digest, decision.PolicySetDigest);
        Assert.Equal("churn@7", decision.ModelVersionId);
        Assert.Equal("production", decision.TargetStage);
    }

    [Fact]
    public void Given_the_same_facts_twice_When_evaluated_Then_the_decisions_are_equal_in_every_field()
    {
        var set = Sets.WithRules(Pass + "\n  - id: data\n    kind: datasets");

        var first = PolicyEngine.Evaluate(set, Facts.Production());
        var second = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.Equal(first.Summary, second.Summary);
        Assert.Equal(first.Rules.Select(r => (r.Rule, r.Outcome, r.Reason)), second.Rules.Select(r => (r.Rule, r.Outcome, r.Reason)));
        Assert.Equal(first.Rules.SelectMany(r => r.Evidence), second.Rules.SelectMany(r => r.Evidence));
    }

    [Fact]
    public void Given_a_policy_for_staging_only_When_a_production_request_is_evaluated_Then_it_does_not_apply()
    {
        var set = Sets.With(("s.yaml", Sets.Policy(Pass, id: "s", stages: "[staging]")), ("p.yaml", Sets.Policy(Pass, id: "p")));

        Assert.Equal(["p"], Applied(set, Facts.Production()));
        Assert.Equal(["s"], Applied(set, Facts.Production().WithRequest(r => r with { TargetStage = "staging" })));
    }

    [Fact]
    public void Given_a_policy_for_both_stages_When_either_is_requested_Then_it_applies()
    {
        var set = Sets.With(("p.yaml", Sets.Policy(Pass, stages: "[staging, production]")));

        Assert.Equal(["p"], Applied(set, Facts.Production()));
        Assert.Equal(["p"], Applied(set, Facts.Production().WithRequest(r => r with { TargetStage = "staging" })));
    }

    [Theory]
    [InlineData("churn", true)]
    [InlineData("churn-eu", true)]
    [InlineData("fraud-1", true)]
    [InlineData("fraud-12", false)]
    [InlineData("fraud", false)]
    [InlineData("Churn", false)]
    public void Given_model_globs_When_evaluated_Then_the_policy_applies_to_matching_model_names(string model, bool applies)
    {
        var set = Sets.With(("p.yaml", PolicyWith("""
              stages: [production]
              models: ["churn*", "fraud-?"]
            """)));

        string[] expected = applies ? ["p"] : [];
        Assert.Equal(expected, Applied(set, ForModel(model)));
    }

    [Theory]
    [InlineData("high", true)]
    [InlineData("critical", true)]
    [InlineData("low", false)]
    [InlineData("High", false)]
    [InlineData(null, true)]
    public void Given_a_policy_naming_risk_tiers_When_evaluated_Then_versions_of_those_tiers_and_untiered_ones_match(string? tier, bool applies)
    {
        var set = Sets.With(("p.yaml", PolicyWith("""
              stages: [production]
              riskTiers: [high, critical]
            """)));

        string[] expected = applies ? ["p"] : [];
        Assert.Equal(expected, Applied(set, ForModel("churn", tier)));
    }

    [Theory]
    [InlineData("high")]
    [InlineData(null)]
    public void Given_a_policy_naming_no_risk_tier_When_evaluated_Then_it_applies_with_or_without_a_tier(string? tier)
    {
        var set = Sets.With(("p.yaml", PolicyWith("  stages: [production]")));

        Assert.Equal(["p"], Applied(set, ForModel("churn", tier)));
    }

    [Fact]
    public void Given_tiered_and_untiered_policies_When_a_version_without_a_tier_is_evaluated_Then_both_apply()
    {
        // leaving the tier out never escapes the stricter policy
        var set = Sets.With(
            ("all.yaml", PolicyWith("  stages: [production]", id: "all")),
            ("high.yaml", PolicyWith("  stages: [production]\n  riskTiers: [high]", id: "high")));

        Assert.Equal(["all", "high"], Applied(set, ForModel("churn")));
        Assert.Equal(["all", "high"], Applied(set, ForModel("churn", "high")));
        Assert.Equal(["all"], Applied(set, ForModel("churn", "low")));
    }

    [Fact]
    public void Given_policies_for_different_tiers_When_evaluated_Then_a_tiered_version_gets_only_its_tier_and_an_untiered_one_every_tier()
    {
        var set = Sets.With(
            ("high.yaml", PolicyWith("  stages: [production]\n  riskTiers: [high]", id: "high")),
            ("low.yaml", PolicyWith("  stages: [production]\n  riskTiers: [low]", id: "low")));

        Assert.Equal(["high"], Applied(set, ForModel("churn", "high")));
        Assert.Equal(["low"], Applied(set, ForModel("churn", "low")));
        Assert.Equal(["high", "low"], Applied(set, ForModel("churn")));
        Assert.Empty(Applied(set, ForModel("churn", "medium")));
    }

    [Fact]
    public void Given_an_untiered_version_failing_a_tier_scoped_policy_When_evaluated_Then_it_is_denied_by_that_policy()
    {
        var set = Sets.With(
            ("all.yaml", PolicyWith("  stages: [production]", id: "all")),
            ("high.yaml", Sets.Policy(id: "high", rules: """
                  - id: three-approvers
                    kind: approvals
                    count: 3
                """).Replace("  stages: [production]\n", "  stages: [production]\n  riskTiers: [high]\n", StringComparison.Ordinal)));

        var untiered = PolicyEngine.Evaluate(set, ForModel("churn"));
        var low = PolicyEngine.Evaluate(set, ForModel("churn", "low"));

        Assert.False(untiered.Allowed);
        Assert.Equal(["high/three-approvers"], untiered.Failures.Select(r => $"{r.Policy}/{r.Rule}"));
        Assert.True(low.Allowed);
        Assert.Equal([new AppliedPolicy("all", "1")], low.Policies);
    }

    [Theory]
    [InlineData("production")]
    [InlineData("staging")]
    [InlineData("qa")]
    public void Given_no_policy_applies_to_a_stage_above_none_When_evaluated_Then_denied_because_no_policy_applies(string stage)
    {
        var set = Sets.With(("p.yaml", PolicyWith("  stages: [production, staging]\n  models: [fraud]")));

        var decision = PolicyEngine.Evaluate(set, Facts.Production().WithRequest(r => r with { TargetStage = stage }));

        Assert.False(decision.Allowed);
        Assert.Equal($"denied: no policy applies to churn@7 for stage {stage}", decision.Summary);
        Assert.Empty(decision.Policies);
        Assert.Empty(decision.Rules);
    }

    [Fact]
    public void Given_target_stage_none_and_no_policy_When_evaluated_Then_allowed_because_the_stage_needs_none()
    {
        var set = Sets.WithRules(Pass);

        var decision = PolicyEngine.Evaluate(set, Facts.Production().WithRequest(r => r with { TargetStage = "none", Environment = "dev-1" }));

        Assert.True(decision.Allowed);
        Assert.Equal("allowed: stage none needs no policy", decision.Summary);
        Assert.Empty(decision.Rules);
        Assert.Equal("none", decision.TargetStage);
    }

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
