using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// Every problem in a rule of a policy (its id, its kind and its parameters) is reported as
/// "file:line:column: message". The rules of the policies written here start on line 8 of p.yaml (see
/// <see cref="Sets.Policy"/>).
/// </summary>
public sealed class PolicyRuleDiagnosticsTests
{
    [Fact]
    public void Given_an_unknown_rule_kind_When_loaded_Then_the_kinds_are_listed()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: evalution
                metric: auc
            """);

        Assert.Equal(
            ["p.yaml:9:11: unknown rule kind 'evalution'; the kinds are: evaluation, datasets, approvals, stage-history, artifact, expression."],
            problems);
    }

    [Fact]
    public void Given_a_misspelt_parameter_When_loaded_Then_it_is_an_unknown_key_and_the_real_one_is_missing()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: evaluation
                dataset: { tags: [holdout] }
                metric: auc
                op: ">="
                treshold: 0.85
            """);

        Assert.Equal(
            [
                "p.yaml:8:5: 'threshold' is required.",
                "p.yaml:13:5: unknown key 'treshold' in a rule of kind 'evaluation'; allowed: dataset, description, id, kind, metric, op, threshold.",
            ],
            problems);
    }

    [Theory]
    [InlineData("\"high\"", "'high'")]
    [InlineData("high", "'high'")]
    [InlineData("\"0.85\"", "'0.85'")]
    [InlineData(".nan", "'.nan'")]
    [InlineData("NaN", "'NaN'")]
    [InlineData("[0.85]", "a list")]
    [InlineData("~", "null")]
    public void Given_a_threshold_that_is_not_a_plain_number_When_loaded_Then_it_is_refused_at_the_value(string value, string described)
    {
        var problems = Sets.RuleProblems($"""
              - id: r
                kind: evaluation
                dataset: {"{"} tags: [holdout] {"}"}
                metric: auc
                op: ">="
                threshold: {value}
            """);

        Assert.Equal([$"p.yaml:13:16: 'threshold' must be a number, not {described}."], problems);
    }

    [Theory]
    [InlineData("0", "p.yaml:10:12: 'count' is 0; it must be at least 1.")]
    [InlineData("two", "p.yaml:10:12: 'count' must be a whole number, not 'two'.")]
    [InlineData("1.5", "p.yaml:10:12: 'count' must be a whole number, not '1.5'.")]
    [InlineData("-1", "p.yaml:10:12: 'count' must be a whole number, not '-1'.")]
    [InlineData("\"2\"", "p.yaml:10:12: 'count' must be a whole number, not '2'.")]
    [InlineData("99999999999", "p.yaml:10:12: 'count' must be a whole number, not '99999999999'.")]
    public void Given_an_approval_count_that_is_not_a_positive_whole_number_When_loaded_Then_it_is_refused(string value, string expected)
    {
        var problems = Sets.RuleProblems($"""
              - id: r
                kind: approvals
                count: {value}
            """);

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Given_an_evaluation_rule_without_its_parameters_When_loaded_Then_each_missing_one_is_reported_at_the_rule()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: evaluation
            """);

        Assert.Equal(
            ["p.yaml:8:5: 'metric' is required.", "p.yaml:8:5: 'op' is required.", "p.yaml:8:5: 'threshold' is required.", "p.yaml:8:5: 'dataset' is required."],
            problems);
    }

    [Fact]
    public void Given_a_rule_without_a_kind_When_loaded_Then_only_the_missing_kind_is_reported()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                metric: auc
            """);

        Assert.Equal(["p.yaml:8:5: 'kind' is required."], problems);
    }

    [Fact]
    public void Given_a_rule_without_an_id_When_loaded_Then_the_missing_id_is_reported()
    {
        var problems = Sets.RuleProblems("""
              - kind: artifact
            """);

        Assert.Equal(["p.yaml:8:5: 'id' is required."], problems);
    }

    [Fact]
    public void Given_two_rules_with_one_id_When_loaded_Then_the_second_is_reported()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: artifact
              - id: r
                kind: datasets
            """);

        Assert.Equal(["p.yaml:10:9: rule id 'r' is used twice in this policy."], problems);
    }

    [Fact]
    public void Given_a_stage_history_rule_for_an_unknown_stage_When_loaded_Then_the_stages_are_listed()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: stage-history
                stage: prod
                atLeast: 24h
            """);

        Assert.Equal(["p.yaml:10:12: 'stage' is 'prod'; expected one of: staging, production."], problems);
    }

    [Theory]
    [InlineData("24")]
    [InlineData("0h")]
    [InlineData("h")]
    [InlineData("1m2h")]
    [InlineData("1h1h")]
    [InlineData("1w")]
    [InlineData("-1h")]
    [InlineData("24 h")]
    public void Given_a_duration_that_cannot_be_read_When_loaded_Then_the_value_is_refused_with_examples(string duration)
    {
        var problems = Sets.RuleProblems($"""
              - id: r
                kind: stage-history
                stage: staging
                atLeast: "{duration}"
            """);

        Assert.Equal([$"p.yaml:11:14: 'atLeast' is '{duration}'; write a duration such as 24h, 7d or 1h30m."], problems);
    }

    [Theory]
    [InlineData("    op: \">\"", "p.yaml:12:9: 'op' is '>'; expected one of: >=, <=.")]
    [InlineData("    dataset: {}", "p.yaml:10:14: 'dataset' must select by 'tags', 'name' or both.")]
    [InlineData("    dataset: { tags: [] }", "p.yaml:10:22: 'tags' must not be empty.")]
    [InlineData("    dataset: { tags: holdout }", "p.yaml:10:22: 'tags' must be a list, not 'holdout'.")]
    [InlineData("    dataset: { tag: [holdout] }", "p.yaml:10:16: unknown key 'tag' in 'dataset'; allowed: name, tags.")]
    [InlineData("    dataset: [holdout]", "p.yaml:10:14: 'dataset' must be a mapping of keys to values.")]
    public void Given_a_bad_evaluation_parameter_When_loaded_Then_it_is_reported_at_its_value(string line, string expected)
    {
        var lines = new[] { "  - id: r", "    kind: evaluation", "    dataset: { tags: [holdout] }", "    metric: auc", "    op: \">=\"", "    threshold: 0.85" };
        var key = line.TrimStart()[..line.TrimStart().IndexOf(':', StringComparison.Ordinal)];
        var rules = string.Join('\n', lines.Select(l => l.TrimStart().StartsWith(key + ":", StringComparison.Ordinal) ? line : l));

        var problems = Sets.RuleProblems(rules);

        Assert.Contains(expected, problems);
    }

    [Theory]
    [InlineData("    personalData: maybe", "p.yaml:10:19: 'personalData' is 'maybe'; expected one of: forbidden, allowed.")]
    [InlineData("    allowNoTrainingData: yes", "p.yaml:10:26: 'allowNoTrainingData' must be true or false, not 'yes'.")]
    [InlineData("    licenses: [MIT, \"\"]", "p.yaml:10:21: every item of 'licenses' must be a non-empty text value.")]
    [InlineData("    licenses: []", "p.yaml:10:15: 'licenses' must not be empty.")]
    [InlineData("    checksPassed: pii-scan", "p.yaml:10:19: 'checksPassed' must be a list, not 'pii-scan'.")]
    [InlineData("    roles: { anyOf: [ciso] }", "p.yaml:10:5: unknown key 'roles' in a rule of kind 'datasets'; allowed: allowNoTrainingData, checksPassed, description, id, kind, licenses, personalData.")]
    public void Given_a_bad_datasets_parameter_When_loaded_Then_it_is_reported_at_its_value(string line, string expected)
    {
        var problems = Sets.RuleProblems("  - id: r\n    kind: datasets\n" + line);

        Assert.Equal([expected], problems);
    }

    [Theory]
    [InlineData("    roles: {}", "p.yaml:11:12: 'roles' must name 'anyOf', 'eachOf' or both.")]
    [InlineData("    roles: { oneOf: [ciso] }", "p.yaml:11:14: unknown key 'oneOf' in 'roles'; allowed: anyOf, eachOf.")]
    [InlineData("    roles: [ciso]", "p.yaml:11:12: 'roles' must be a mapping of keys to values.")]
    public void Given_bad_approval_roles_When_loaded_Then_they_are_reported_at_their_value(string line, string expected)
    {
        var problems = Sets.RuleProblems("  - id: r\n    kind: approvals\n    count: 1\n" + line);

        Assert.Contains(expected, problems);
    }
}
