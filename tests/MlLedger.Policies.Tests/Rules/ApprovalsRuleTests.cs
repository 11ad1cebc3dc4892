using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class ApprovalsRuleTests
{
    private const string TwoWithRiskOfficer = """
          - id: two-approvers
            kind: approvals
            count: 2
            roles:
              anyOf: [risk-officer]
        """;

    private const string OneApprover = """
          - id: one-approver
            kind: approvals
            count: 1
        """;

    [Fact]
    public void Given_two_approvers_one_a_risk_officer_When_evaluated_Then_passes_naming_them_and_their_roles()
    {
        var result = Sets.Rule(TwoWithRiskOfficer, Facts.Production());

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("2 distinct approvals (required 2): bob (approver), carol (approver, risk-officer)", result.Reason);
        Assert.Equal([Facts.PromotionEntry, new EntryRef("approval-bob", 1), new EntryRef("approval-carol", 1)], result.Evidence);
    }

    [Fact]
    public void Given_an_approver_without_roles_When_evaluated_Then_the_reason_names_only_the_person()
    {
        var result = Sets.Rule(OneApprover, Facts.Production().WithApprovals(Facts.Approval("bob")));

        Assert.Equal("1 distinct approvals (required 1): bob", result.Reason);
    }

    [Fact]
    public void Given_one_approval_of_two_When_evaluated_Then_fails_counting_them()
    {
        var result = Sets.Rule(TwoWithRiskOfficer, Facts.Production().WithApprovals(Facts.Approval("carol", "risk-officer")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("1 of 2 required approvals from distinct people other than the requester alice", result.Reason);
    }

    [Fact]
    public void Given_the_same_person_approving_twice_When_evaluated_Then_they_count_once()
    {
        var result = Sets.Rule(TwoWithRiskOfficer,
            Facts.Production().WithApprovals(Facts.Approval("carol", "risk-officer"), Facts.Approval("carol", "risk-officer")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("1 of 2 required approvals from distinct people other than the requester alice", result.Reason);
    }

    [Fact]
    public void Given_the_requester_approving_their_own_promotion_When_evaluated_Then_it_does_not_count()
    {
        var result = Sets.Rule(TwoWithRiskOfficer,
            Facts.Production().WithApprovals(Facts.Approval("alice", "risk-officer"), Facts.Approval("carol", "risk-officer")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("1 of 2 required approvals from distinct people other than the requester alice", result.Reason);
        Assert.DoesNotContain(new EntryRef("approval-alice", 1), result.Evidence);
    }

    [Fact]
    public void Given_a_deployment_by_someone_else_When_evaluated_Then_the_promotion_requester_is_still_the_one_excluded()
    {
        var facts = Facts.Deployment()
            .WithRequest(r => r with { Requester = "deploy-bot" })
            .WithApprovals(Facts.Approval("alice", "approver"));

        var result = Sets.Rule(OneApprover, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("0 of 1 required approvals from distinct people other than the requester alice", result.Reason);
    }

    [Fact]
    public void Given_an_approval_of_another_artifact_digest_When_evaluated_Then_it_does_not_count()
    {
        var result = Sets.Rule(OneApprover, Facts.Production().WithApprovals(Facts.ApprovalOf("bob", Facts.OtherSha, "approver")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("0 of 1 required approvals from distinct people other than the requester alice", result.Reason);
        Assert.Equal([Facts.PromotionEntry], result.Evidence);
    }

    [Fact]
    public void Given_an_approval_of_the_same_digest_in_upper_case_hex_When_evaluated_Then_it_counts()
    {
        var result = Sets.Rule(OneApprover, Facts.Production().WithApprovals(Facts.ApprovalOf("bob", Facts.Sha.ToUpperInvariant(), "approver")));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_two_approvers_without_the_any_of_role_When_evaluated_Then_fails_naming_the_role()
    {
        var result = Sets.Rule(TwoWithRiskOfficer, Facts.Production().WithApprovals(Facts.Approval("bob", "approver"), Facts.Approval("dave", "approver")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no approver holds the role risk-officer", result.Reason);
    }

    [Fact]
    public void Given_the_requester_holds_the_required_role_When_evaluated_Then_their_role_does_not_count_either()
    {
        var result = Sets.Rule(TwoWithRiskOfficer,
            Facts.Production().WithApprovals(Facts.Approval("alice", "risk-officer"), Facts.Approval("bob"), Facts.Approval("dave")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no approver holds the role risk-officer", result.Reason);
    }

    [Theory]
    [InlineData("ciso", RuleOutcomes.Passed)]
    [InlineData("risk-officer", RuleOutcomes.Passed)]
    [InlineData("approver", RuleOutcomes.Failed)]
    public void Given_any_of_two_roles_When_an_approver_holds_either_Then_passes(string role, string outcome)
    {
        const string rule = """
              - id: any-of
                kind: approvals
                count: 1
                roles:
                  anyOf: [risk-officer, ciso]
            """;

        var result = Sets.Rule(rule, Facts.Production().WithApprovals(Facts.Approval("bob", role)));

        Assert.Equal(outcome, result.Outcome);
        if (outcome == RuleOutcomes.Failed)
        {
            Assert.Equal("no approver holds the role risk-officer or ciso", result.Reason);
        }
    }

    [Fact]
    public void Given_each_of_two_roles_When_both_are_held_by_different_approvers_Then_passes()
    {
        const string rule = """
              - id: each-of
                kind: approvals
                count: 2
                roles:
                  eachOf: [risk-officer, ml-lead]
            """;

        var result = Sets.Rule(rule, Facts.Production().WithApprovals(Facts.Approval("bob", "ml-lead"), Facts.Approval("carol", "risk-officer")));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_each_of_two_roles_When_one_is_missing_Then_fails_naming_only_the_missing_role()
    {
        const string rule = """
              - id: each-of
                kind: approvals
                count: 1
                roles:
                  eachOf: [risk-officer, ml-lead, security]
            """;

        var result = Sets.Rule(rule, Facts.Production().WithApprovals(Facts.Approval("bob", "ml-lead"), Facts.Approval("carol", "risk-officer")));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no approver holds the role security", result.Reason);
    }

    [Fact]
    public void Given_any_of_and_each_of_When_both_fail_with_too_few_approvals_Then_every_shortfall_is_reported()
    {
        const string rule = """
              - id: both
                kind: approvals
                count: 3
                roles:
                  anyOf: [risk-officer]
                  eachOf: [ml-lead]
            """;

        var result = Sets.Rule(rule, Facts.Production().WithApprovals(Facts.Approval("bob", "approver")));

        Assert.Equal(
            "1 of 3 required approvals from distinct people other than the requester alice; " +
            "no approver holds the role risk-officer; no approver holds the role ml-lead",
            result.Reason);
    }

    [Fact]
    public void Given_no_promotion_fact_When_evaluated_Then_fails_saying_nobody_has_approved()
    {
        var result = Sets.Rule(OneApprover, Facts.Production() with { Promotion = null });

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no promotion of churn@7 to production has been requested, so nobody has approved it", result.Reason);
        Assert.Empty(result.Evidence);
    }
}
