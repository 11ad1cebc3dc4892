using System.Text;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// A policy file that is not readable YAML (bad syntax, anchors, repeated keys, not one document, not UTF-8) is
/// reported as "file:line:column: message". The rules of the policies written here start on line 8 of p.yaml (see
/// <see cref="Sets.Policy"/>).
/// </summary>
public sealed class PolicyFileDiagnosticsTests
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
}
