using MlLedger.Domain.Policies;
using MlLedger.Policies.Testing;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Testing.PolicyCaseSamples;

namespace MlLedger.Policies.Tests.Testing;

/// <summary>Reading example cases: each case's facts are the file's base facts with its own laid over them.</summary>
public sealed class PolicyCaseReadingTests
{
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
