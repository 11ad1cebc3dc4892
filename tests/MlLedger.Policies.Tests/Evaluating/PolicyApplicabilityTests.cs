using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Evaluating.PolicyEngineSamples;

namespace MlLedger.Policies.Tests.Evaluating;

/// <summary>Which policies apply to a request: by stage, model name and risk tier, and what happens when none does.</summary>
public sealed class PolicyApplicabilityTests
{
    private static PolicyFacts ForModel(string model, string? riskTier = null) =>
        Facts.Production().WithModel(m => m with { Model = model, RiskTier = riskTier });

    private static IReadOnlyList<string> Applied(PolicySet set, PolicyFacts facts) =>
        [.. PolicyEngine.Evaluate(set, facts).Policies.Select(p => p.Id)];

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
}
