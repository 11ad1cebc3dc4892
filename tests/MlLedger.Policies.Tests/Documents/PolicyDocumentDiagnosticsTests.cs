using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// Every problem in the fields of a policy document (its header, appliesTo and the shape of its rules) is reported as
/// "file:line:column: message". The rules of the policies written here start on line 8 of p.yaml (see
/// <see cref="Sets.Policy"/>).
/// </summary>
public sealed class PolicyDocumentDiagnosticsTests
{
    [Fact]
    public void Given_a_policy_without_version_and_stages_When_loaded_Then_each_is_reported_where_it_belongs()
    {
        var problems = Sets.FileProblems("""
            apiVersion: mlledger.dev/v1
            kind: Policy
            id: p
            appliesTo:
              models: ["*"]
            rules:
              - id: r
                kind: artifact
            """);

        Assert.Equal(["p.yaml:1:1: 'version' is required.", "p.yaml:5:3: 'stages' is required."], problems);
    }

    [Fact]
    public void Given_a_policy_without_applies_to_and_rules_When_loaded_Then_both_are_required()
    {
        var problems = Sets.FileProblems("""
            apiVersion: mlledger.dev/v1
            kind: Policy
            id: p
            version: "1"
            """);

        Assert.Equal(["p.yaml:1:1: 'appliesTo' is required.", "p.yaml:1:1: 'rules' is required."], problems);
    }

    [Theory]
    [InlineData("[prod]", "prod")]
    [InlineData("[none]", "none")]
    [InlineData("[Production]", "Production")]
    public void Given_applies_to_a_stage_that_is_not_a_promotion_target_When_loaded_Then_it_is_refused(string stages, string stage)
    {
        var problems = Sets.Problems(
            (Sets.EnvironmentsFile, Sets.Environments),
            ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n", stages: stages)));

        Assert.Equal([$"p.yaml:6:12: stage '{stage}' is not a promotion target; expected one of: staging, production."], problems);
    }

    [Fact]
    public void Given_an_empty_rule_list_When_loaded_Then_it_is_refused_because_it_would_allow_everything()
    {
        var problems = Sets.FileProblems("""
            apiVersion: mlledger.dev/v1
            kind: Policy
            id: p
            version: "1"
            appliesTo:
              stages: [production]
            rules: []
            """);

        Assert.Equal(["p.yaml:7:8: 'rules' must not be empty: a policy without rules would allow everything it applies to."], problems);
    }

    [Fact]
    public void Given_an_unknown_top_level_key_When_loaded_Then_the_allowed_keys_are_listed()
    {
        var problems = Sets.FileProblems(Sets.Policy("  - id: r\n    kind: artifact\nowner: team-x\n"));

        Assert.Equal(["p.yaml:10:1: unknown key 'owner' in a policy; allowed: apiVersion, appliesTo, description, id, kind, rules, version."], problems);
    }

    [Fact]
    public void Given_an_unknown_key_in_applies_to_When_loaded_Then_the_allowed_keys_are_listed()
    {
        var problems = Sets.Problems(
            (Sets.EnvironmentsFile, Sets.Environments),
            ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n", stages: "[production]\n  model: [churn]")));

        Assert.Equal(["p.yaml:7:3: unknown key 'model' in 'appliesTo'; allowed: models, riskTiers, stages."], problems);
    }

    [Theory]
    [InlineData("apiVersion: mlledger.dev/v2", "p.yaml:1:13: 'apiVersion' is 'mlledger.dev/v2'; this ledger reads 'mlledger.dev/v1'.")]
    [InlineData("kind: Policies", "p.yaml:2:7: 'kind' is 'Policies'; expected one of: Policy, EnvironmentStages.")]
    [InlineData("id: Prod", "p.yaml:3:5: 'id' is 'Prod', which is not an identifier (lower-case letters, digits, '.', '_', '-').")]
    [InlineData("version: \"\"", "p.yaml:4:10: 'version' must not be empty.")]
    [InlineData("version: [1]", "p.yaml:4:10: 'version' must be a text value.")]
    public void Given_a_bad_header_field_When_loaded_Then_it_is_reported_at_its_value(string line, string expected)
    {
        var valid = Sets.Policy("  - id: r\n    kind: artifact\n");
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];
        var text = string.Join('\n', valid.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? line : l));

        var problems = Sets.FileProblems(text);

        Assert.Equal([expected], problems);
    }

    [Theory]
    [InlineData("rules: {}", "p.yaml:7:8: 'rules' must be a list, not a mapping.")]
    [InlineData("rules:\n  - artifact", "p.yaml:8:5: a rule must be a mapping of keys to values.")]
    public void Given_rules_of_the_wrong_shape_When_loaded_Then_the_shape_is_reported(string rules, string expected)
    {
        var text = Sets.Policy("").Replace("rules:\n", rules + "\n", StringComparison.Ordinal);

        var problems = Sets.FileProblems(text);

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Given_a_document_that_is_a_list_When_loaded_Then_it_must_be_a_mapping()
    {
        var problems = Sets.FileProblems("- a\n- b\n");

        Assert.Equal(["p.yaml:1:1: a policy document must be a mapping of keys to values."], problems);
    }
}
