using MlLedger.Domain.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Testing;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Testing;

public sealed class PolicyCasesTests
{
    /// <summary>Base facts on lines 1-8; the cases start on line 10.</summary>
    private const string BaseFacts = $$"""
        facts:
          request: { kind: promotion, targetStage: staging, environment: null, requester: alice, artifactSha256: null, at: "2026-03-01T09:00:00Z" }
          modelVersion: { id: churn@7, model: churn, version: "7", artifactSha256: {{Facts.Sha}}, stage: none, riskTier: null, retired: false, trainedOn: [], stageHistory: [], entry: null }
          datasets: []
          evaluations: []
          promotion: { id: p-1, targetStage: staging, status: pending, requestedBy: alice, artifactSha256: {{Facts.Sha}}, entry: null }
          approvals:
            - { approver: bob, roles: [approver], artifactSha256: {{Facts.Sha}}, at: "2026-03-01T08:00:00Z", entry: null }
        cases:

        """;

    private static readonly PolicySet Staging = Sets.With(("staging.yaml", Sets.Policy(id: "staging", stages: "[staging]", rules: """
          - id: one-approver
            kind: approvals
            count: 1
          - id: approved-artifact
            kind: artifact
        """)));

    private static PolicyCase Single(string cases) => Assert.Single(PolicyCases.Read("c.test.yaml", BaseFacts + cases));

    private static IReadOnlyList<string> Problems(string text)
    {
        var e = Assert.Throws<PolicyLoadException>(() => PolicyCases.Read("c.test.yaml", text));
        return [.. e.Diagnostics.Select(d => d.ToString())];
    }

    [Fact]
    public void Given_a_case_without_its_own_facts_When_read_Then_it_has_the_base_facts_and_its_line()
    {
        var example = Single("""
              - name: the base case
                expect: { allowed: true }
            """);

        Assert.Equal("the base case", example.Name);
        Assert.Equal(10, example.Line);
        Assert.Equal("c.test.yaml", example.File);
        Assert.True(example.ExpectAllowed);
        Assert.Null(example.ExpectFailed);
        Assert.Equal("alice", example.Facts.Request.Requester);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), example.Facts.Request.At);
        Assert.Equal("bob", Assert.Single(example.Facts.Approvals).Approver);
        Assert.Null(example.Facts.Request.Environment);
        Assert.Null(example.Facts.ModelVersion.Entry);
    }

    [Fact]
    public void Given_a_case_overriding_one_field_of_a_mapping_When_read_Then_the_other_fields_come_from_the_base()
    {
        var example = Single("""
              - name: production instead
                facts:
                  request: { targetStage: production }
                  modelVersion: { riskTier: high }
                expect: { allowed: false }
            """);

        Assert.Equal("production", example.Facts.Request.TargetStage);
        Assert.Equal("alice", example.Facts.Request.Requester);
        Assert.Equal("promotion", example.Facts.Request.Kind);
        Assert.Equal("high", example.Facts.ModelVersion.RiskTier);
        Assert.Equal("churn@7", example.Facts.ModelVersion.Id);
        Assert.Equal("p-1", example.Facts.Promotion?.Id);
    }

    [Fact]
    public void Given_an_explicit_null_in_a_case_When_read_Then_it_replaces_the_base_value()
    {
        var example = Single("""
              - name: no promotion
                facts:
                  promotion: null
                  request: { requester: ~ }
                expect: { allowed: false }
            """);

        Assert.Null(example.Facts.Promotion);
        Assert.Null(example.Facts.Request.Requester);
        Assert.Equal("staging", example.Facts.Request.TargetStage);
    }

    [Fact]
    public void Given_a_list_in_a_case_When_read_Then_it_replaces_the_base_list_rather_than_adding_to_it()
    {
        var example = Single($$"""
              - name: carol instead of bob
                facts:
                  approvals:
                    - { approver: carol, roles: [], artifactSha256: {{Facts.Sha}}, at: "2026-03-01T08:30:00Z", entry: { stream: approvals-p-1, version: 2 } }
                expect: { allowed: true }
            """);

        var approval = Assert.Single(example.Facts.Approvals);
        Assert.Equal("carol", approval.Approver);
        Assert.Equal(new EntryRef("approvals-p-1", 2), approval.Entry);
    }

    [Fact]
    public void Given_one_case_changing_the_base_When_the_next_case_is_read_Then_it_still_sees_the_original_base()
    {
        var cases = PolicyCases.Read("c.test.yaml", BaseFacts + """
              - name: first
                facts: { request: { targetStage: production } }
                expect: { allowed: false }
              - name: second
                expect: { allowed: true }
            """);

        Assert.Equal(["production", "staging"], cases.Select(c => c.Facts.Request.TargetStage));
        Assert.Equal([10, 13], cases.Select(c => c.Line));
    }

    [Fact]
    public void Given_a_file_without_base_facts_When_each_case_has_its_own_Then_they_are_read()
    {
        var own = BaseFacts[..BaseFacts.IndexOf("cases:", StringComparison.Ordinal)]
            .Replace("facts:\n", "", StringComparison.Ordinal)
            .Replace("\n  ", "\n      ", StringComparison.Ordinal);
        var text = "cases:\n  - name: own facts\n    facts:\n      " + own.TrimStart() + "    expect: { allowed: true }\n";

        var example = Assert.Single(PolicyCases.Read("c.test.yaml", text));

        Assert.Equal("bob", Assert.Single(example.Facts.Approvals).Approver);
    }

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

    [Fact]
    public void Given_an_allowed_value_that_is_not_boolean_When_read_Then_the_error_points_at_it()
    {
        var problems = Problems(BaseFacts + """
              - name: x
                expect: { allowed: maybe }
            """);

        Assert.Equal(["c.test.yaml:11:24: 'allowed' must be true or false, not 'maybe'."], problems);
    }

    [Fact]
    public void Given_a_case_without_name_or_expect_When_read_Then_each_is_required_at_the_case()
    {
        var problems = Problems(BaseFacts + """
              - facts: { approvals: [] }
            """);

        Assert.Equal(["c.test.yaml:10:5: 'name' is required.", "c.test.yaml:10:5: 'expect' is required."], problems);
    }

    [Fact]
    public void Given_misspelt_keys_in_a_case_and_its_expectation_When_read_Then_they_are_unknown_keys()
    {
        var problems = Problems(BaseFacts + """
              - name: x
                fact: { approvals: [] }
                expect: { allowed: false, fails: [] }
            """);

        Assert.Equal(
            [
                "c.test.yaml:12:31: unknown key 'fails' in 'expect'; allowed: allowed, failed.",
                "c.test.yaml:11:5: unknown key 'fact' in a case; allowed: expect, facts, name.",
            ],
            problems);
    }

    [Fact]
    public void Given_an_unknown_top_level_key_and_no_cases_When_read_Then_both_are_reported()
    {
        var problems = Problems("fixtures: {}\n");

        Assert.Equal(
            ["c.test.yaml:1:1: 'cases' is required.", "c.test.yaml:1:1: unknown key 'fixtures' in an example-case file; allowed: cases, facts."],
            problems);
    }

    [Theory]
    [InlineData("request: { kindd: promotion }")]
    [InlineData("request: { kind: [promotion] }")]
    [InlineData("request: { at: yesterday }")]
    [InlineData("modelVersion: { retired: maybe }")]
    [InlineData("approvals: {}")]
    public void Given_facts_that_do_not_fit_the_input_document_When_read_Then_the_error_points_at_the_case(string facts)
    {
        var problems = Problems(BaseFacts + $"  - name: x\n    facts: {{ {facts} }}\n    expect: {{ allowed: false }}\n");

        var problem = Assert.Single(problems);
        Assert.StartsWith("c.test.yaml:10:5: the facts do not fit the input document: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_facts_missing_a_required_field_When_read_Then_they_do_not_fit()
    {
        var text = BaseFacts.Replace(" retired: false,", "", StringComparison.Ordinal) + "  - name: x\n    expect: { allowed: false }\n";

        var problem = Assert.Single(Problems(text));

        Assert.StartsWith("c.test.yaml:10:5: the facts do not fit the input document: ", problem, StringComparison.Ordinal);
        Assert.Contains("retired", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_case_and_no_facts_anywhere_When_read_Then_the_case_has_no_facts()
    {
        var problems = Problems("cases:\n  - name: x\n    expect: { allowed: true }\n");

        Assert.Equal(["c.test.yaml:2:5: the case has no facts (neither its own nor the file's)."], problems);
    }

    [Fact]
    public void Given_a_case_that_is_not_a_mapping_When_read_Then_it_is_reported()
    {
        var problems = Problems(BaseFacts + "  - just a name\n");

        Assert.Equal(["c.test.yaml:10:5: a case must be a mapping of keys to values."], problems);
    }

    [Fact]
    public void Given_invalid_yaml_When_read_Then_the_yaml_error_has_a_position()
    {
        var problem = Assert.Single(Problems("cases:\n  - name: \"x\n"));

        Assert.StartsWith("c.test.yaml:2:11: not valid YAML: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_two_yaml_documents_When_read_Then_the_file_is_refused()
    {
        var problems = Problems("cases: []\n---\ncases: []\n");

        Assert.Equal(["c.test.yaml:1:1: an example-case file holds exactly one YAML document."], problems);
    }

    [Fact]
    public void Given_an_alias_to_a_value_that_contains_it_When_read_Then_it_is_refused_instead_of_recursing_forever()
    {
        var problems = Problems("facts: &facts\n  again: *facts\ncases: []\n");

        Assert.Equal(["c.test.yaml:1:8: an alias refers to a value that contains it."], problems);
    }

    [Fact]
    public void Given_a_key_that_is_not_text_When_read_Then_it_is_refused_at_the_key()
    {
        var problems = Problems("facts:\n  ? [request]\n  : {}\ncases: []\n");

        Assert.Equal(["c.test.yaml:2:5: a key must be a text value."], problems);
    }

    [Fact]
    public void Given_an_alias_reused_in_two_cases_When_read_Then_it_is_allowed_in_example_case_files()
    {
        var cases = PolicyCases.Read("c.test.yaml", BaseFacts + """
              - name: first
                facts: &none { approvals: [] }
                expect: { allowed: false }
              - name: second
                facts: *none
                expect: { allowed: false }
            """);

        Assert.All(cases, c => Assert.Empty(c.Facts.Approvals));
    }
}
