using MlLedger.Policies.Documents;
using MlLedger.Policies.Testing;
using static MlLedger.Policies.Tests.Testing.PolicyCaseSamples;

namespace MlLedger.Policies.Tests.Testing;

/// <summary>Example-case files that cannot be read: every problem as "file:line:column: message".</summary>
public sealed class PolicyCaseProblemTests
{
    private static IReadOnlyList<string> Problems(string text)
    {
        var e = Assert.Throws<PolicyLoadException>(() => PolicyCases.Read("c.test.yaml", text));
        return [.. e.Diagnostics.Select(d => d.ToString())];
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
}
