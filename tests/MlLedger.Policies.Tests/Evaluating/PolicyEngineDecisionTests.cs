using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Evaluating.PolicyEngineSamples;

namespace MlLedger.Policies.Tests.Evaluating;

/// <summary>What a decision of the policy engine holds: every rule in order, the summary, and what it was made for.</summary>
public sealed class PolicyEngineDecisionTests
{
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
}
