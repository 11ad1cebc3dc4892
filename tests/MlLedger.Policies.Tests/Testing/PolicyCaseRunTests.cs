using MlLedger.Policies.Testing;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Testing.PolicyCaseSamples;

namespace MlLedger.Policies.Tests.Testing;

/// <summary>Running example cases against a policy set: when a case passes, and what a mismatch says.</summary>
public sealed class PolicyCaseRunTests
{
    private static readonly PolicySet Staging = Sets.With(("staging.yaml", Sets.Policy(id: "staging", stages: "[staging]", rules: """
          - id: one-approver
            kind: approvals
            count: 1
          - id: approved-artifact
            kind: artifact
        """)));

    [Fact]
    public void Given_a_case_whose_decision_matches_When_run_Then_it_passes()
    {
        var example = Single("""
              - name: allowed
                expect: { allowed: true, failed: [] }
            """);

        var result = PolicyCases.Run(Staging, example);

        Assert.True(result.Passed);
        Assert.Null(result.Mismatch);
        Assert.True(result.Decision.Allowed);
    }

    [Fact]
    public void Given_a_case_expecting_allowed_When_denied_Then_the_mismatch_quotes_the_summary()
    {
        var example = Single("""
              - name: nobody approved
                facts: { approvals: [] }
                expect: { allowed: true }
            """);

        var result = PolicyCases.Run(Staging, example);

        Assert.False(result.Passed);
        Assert.Equal(
            "expected allowed, got denied: staging/one-approver: 0 of 1 required approvals from distinct people other than the requester alice",
            result.Mismatch);
    }

    [Fact]
    public void Given_a_case_expecting_denied_When_allowed_Then_the_mismatch_says_so()
    {
        var example = Single("""
              - name: fine after all
                expect: { allowed: false }
            """);

        var result = PolicyCases.Run(Staging, example);

        Assert.False(result.Passed);
        Assert.Equal("expected denied, got allowed: 2 rule(s) of staging v1 passed", result.Mismatch);
    }

    [Fact]
    public void Given_an_exact_failed_list_that_differs_When_run_Then_the_mismatch_lists_both()
    {
        var example = Single("""
              - name: two failures expected
                facts: { approvals: [] }
                expect: { allowed: false, failed: [staging/one-approver, staging/approved-artifact] }
            """);

        var result = PolicyCases.Run(Staging, example);

        Assert.False(result.Passed);
        Assert.Equal("expected failing rules [staging/one-approver, staging/approved-artifact], got [staging/one-approver]", result.Mismatch);
    }

    [Fact]
    public void Given_an_exact_failed_list_in_another_order_When_run_Then_it_passes()
    {
        var example = Single($$"""
              - name: both fail
                facts:
                  approvals: []
                  promotion: { artifactSha256: "{{Facts.OtherSha}}" }
                expect: { allowed: false, failed: [staging/approved-artifact, staging/one-approver] }
            """);

        var result = PolicyCases.Run(Staging, example);

        Assert.True(result.Passed, result.Mismatch);
        Assert.Equal(["staging/approved-artifact", "staging/one-approver"], example.ExpectFailed);
    }

    [Fact]
    public void Given_a_denied_case_without_a_failed_list_When_run_Then_any_failing_rules_are_accepted()
    {
        var example = Single("""
              - name: denied somehow
                facts: { approvals: [] }
                expect: { allowed: false }
            """);

        Assert.True(PolicyCases.Run(Staging, example).Passed);
    }
}
