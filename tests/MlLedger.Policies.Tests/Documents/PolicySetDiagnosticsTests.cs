using MlLedger.Policies.Documents;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// Every problem across the files of a policy set (file names, policy ids, the environment mapping) is reported as
/// "file:line:column: message". The rules of the policies written here start on line 8 of p.yaml (see
/// <see cref="Sets.Policy"/>).
/// </summary>
public sealed class PolicySetDiagnosticsTests
{
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
