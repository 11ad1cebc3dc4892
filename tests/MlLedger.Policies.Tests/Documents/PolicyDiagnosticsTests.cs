using System.Text;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// Every problem in a policy file is reported as "file:line:column: message". The rules of the policies written here
/// start on line 8 of p.yaml (see <see cref="Sets.Policy"/>).
/// </summary>
public sealed class PolicyDiagnosticsTests
{
    [Fact]
    public void Given_a_value_holding_a_colon_and_space_When_loaded_Then_the_yaml_error_points_at_the_colon()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: artifact
                description: a: b
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith("p.yaml:10:19: not valid YAML: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_unclosed_quote_When_loaded_Then_the_yaml_error_points_at_the_quote()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: "artifact
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith("p.yaml:9:11: not valid YAML: ", problem, StringComparison.Ordinal);
    }

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
    public void Given_one_policy_id_in_two_files_When_loaded_Then_the_later_file_names_the_earlier()
    {
        var rules = "  - id: r\n    kind: artifact\n";

        var problems = Sets.Problems(
            (Sets.EnvironmentsFile, Sets.Environments),
            ("c.yaml", Sets.Policy(rules, id: "p")),
            ("a.yaml", Sets.Policy(rules, id: "p")),
            ("b.yaml", Sets.Policy(rules, id: "p")));

        Assert.Equal(["c.yaml:1:1: policy id 'p' is also used by a.yaml, b.yaml."], problems);
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
    public void Given_an_anchor_and_an_alias_When_loaded_Then_they_are_refused_at_the_anchor()
    {
        var problems = Sets.RuleProblems("""
              - id: a
                kind: evaluation
                dataset: &holdout { tags: [holdout] }
                metric: auc
                op: ">="
                threshold: 0.85
              - id: b
                kind: evaluation
                dataset: *holdout
                metric: f1
                op: ">="
                threshold: 0.8
            """);

        Assert.Equal(["p.yaml:10:14: anchors and aliases are not supported in policy files: write each value out."], problems);
    }

    [Fact]
    public void Given_a_repeated_key_When_loaded_Then_it_is_refused_as_invalid_yaml()
    {
        var problems = Sets.RuleProblems("""
              - id: r
                kind: evaluation
                dataset: { tags: [holdout] }
                metric: auc
                metric: f1
                op: ">="
                threshold: 0.85
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith("p.yaml:", problem, StringComparison.Ordinal);
        Assert.Contains("not valid YAML: Duplicate key metric", problem, StringComparison.Ordinal);
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

    [Fact]
    public void Given_two_yaml_documents_in_one_file_When_loaded_Then_it_is_refused()
    {
        var problems = Sets.FileProblems(Sets.Policy("  - id: r\n    kind: artifact\n") + "---\n" + Sets.Policy("  - id: r\n    kind: artifact\n", id: "q"));

        Assert.Equal(["p.yaml:1:1: a policy file holds exactly one YAML document, not 2."], problems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Given_a_file_with_no_yaml_document_When_loaded_Then_it_is_refused(string text)
    {
        var problems = Sets.FileProblems(text);

        Assert.Equal(["p.yaml:1:1: a policy file holds exactly one YAML document, not 0."], problems);
    }

    [Fact]
    public void Given_bytes_that_are_not_utf8_When_loaded_Then_the_file_is_refused()
    {
        var latin1 = Encoding.Latin1.GetBytes(Sets.Policy("  - id: r\n    kind: artifact\n    description: café\n"));

        var e = Assert.Throws<PolicyLoadException>(() => PolicySet.FromFiles(
            [(Sets.EnvironmentsFile, Encoding.UTF8.GetBytes(Sets.Environments)), ("p.yaml", latin1)]));

        Assert.Equal(["p.yaml:1:1: the file is not valid UTF-8."], e.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Given_only_policies_When_loaded_Then_the_missing_environment_mapping_is_reported()
    {
        var problems = Sets.Problems(("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Equal(["p.yaml:1:1: the policy set has no EnvironmentStages document, so no deployment could be placed in a stage."], problems);
    }

    [Fact]
    public void Given_two_environment_mappings_When_loaded_Then_the_second_names_the_first()
    {
        var problems = Sets.Problems(
            ("stages.yaml", Sets.Environments.Replace("id: environments", "id: stages", StringComparison.Ordinal)),
            (Sets.EnvironmentsFile, Sets.Environments),
            ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Equal(["stages.yaml:1:1: only one EnvironmentStages document is allowed; environments.yaml is the other."], problems);
    }

    [Fact]
    public void Given_only_an_environment_mapping_When_loaded_Then_the_missing_policy_is_reported()
    {
        var problems = Sets.Problems((Sets.EnvironmentsFile, Sets.Environments));

        Assert.Equal(["environments.yaml:1:1: the policy set has no Policy document: no promotion could ever be allowed."], problems);
    }

    [Fact]
    public void Given_no_files_at_all_When_loaded_Then_the_set_is_refused()
    {
        var problems = Sets.Problems();

        Assert.Equal(["(policy directory):1:1: the policy set has no EnvironmentStages document, so no deployment could be placed in a stage."], problems);
    }

    [Theory]
    [InlineData("    stage: prod", "environments.yaml:7:12: 'stage' is 'prod'; expected one of: none, staging, production.")]
    [InlineData("    stages: production", "environments.yaml:7:5: unknown key 'stages' in an environment rule; allowed: pattern, stage.")]
    public void Given_a_bad_environment_rule_When_loaded_Then_it_is_reported_at_its_value(string line, string expected)
    {
        var text = Sets.Environments.Replace("    stage: production", line, StringComparison.Ordinal);

        var problems = Sets.Problems((Sets.EnvironmentsFile, text), ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Contains(expected, problems);
    }

    [Fact]
    public void Given_an_environment_pattern_with_a_star_inside_When_loaded_Then_it_is_refused()
    {
        var text = Sets.Environments.Replace("\"prod*\"", "\"pr*d\"", StringComparison.Ordinal);

        var problems = Sets.Problems((Sets.EnvironmentsFile, text), ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Equal(["environments.yaml:6:14: pattern 'pr*d' may only have '*' as its last character."], problems);
    }

    [Fact]
    public void Given_an_empty_environment_list_When_loaded_Then_it_is_refused()
    {
        var text = Sets.Environments[..Sets.Environments.IndexOf("environments:", StringComparison.Ordinal)] + "environments: []\n";

        var problems = Sets.Problems((Sets.EnvironmentsFile, text), ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Equal(["environments.yaml:5:15: 'environments' must not be empty: every deployment would be refused."], problems);
    }

    [Fact]
    public void Given_problems_in_several_files_When_loaded_Then_every_one_is_reported_and_the_message_lists_them()
    {
        var e = Assert.Throws<PolicyLoadException>(() => Sets.FromText(
            (Sets.EnvironmentsFile, Sets.Environments),
            ("a.yaml", Sets.Policy("  - id: r\n    kind: approvals\n    count: 0\n", id: "a")),
            ("b.yaml", Sets.Policy("  - id: r\n    kind: stage-history\n    stage: staging\n    atLeast: 1d1d\n", id: "b"))));

        Assert.Equal(
            ["a.yaml:10:12: 'count' is 0; it must be at least 1.", "b.yaml:11:14: 'atLeast' is '1d1d'; write a duration such as 24h, 7d or 1h30m."],
            e.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(
            "The policy set is invalid (2 problems):" +
            $"{Environment.NewLine}  a.yaml:10:12: 'count' is 0; it must be at least 1." +
            $"{Environment.NewLine}  b.yaml:11:14: 'atLeast' is '1d1d'; write a duration such as 24h, 7d or 1h30m.",
            e.Message);
    }

    [Theory]
    [InlineData("dir/p.yaml")]
    [InlineData("")]
    [InlineData("p\n.yaml")]
    public void Given_a_file_name_that_is_not_a_plain_name_When_loaded_Then_it_is_refused(string name)
    {
        var problems = Sets.Problems((Sets.EnvironmentsFile, Sets.Environments), (name, Sets.Policy("  - id: r\n    kind: artifact\n")));

        Assert.Equal([$"{name}:1:1: a policy file name must be a plain file name."], problems);
    }

    [Fact]
    public void Given_two_files_with_one_name_When_loaded_Then_the_set_is_refused()
    {
        var problems = Sets.Problems(
            (Sets.EnvironmentsFile, Sets.Environments),
            ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n", id: "p")),
            ("p.yaml", Sets.Policy("  - id: r\n    kind: artifact\n", id: "q")));

        Assert.Equal(["p.yaml:1:1: two files of the set have this name."], problems);
    }
}
