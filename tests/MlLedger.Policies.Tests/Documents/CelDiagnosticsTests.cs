using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Documents;

/// <summary>
/// A CEL expression that does not compile is reported at the line and column of the file where the problem is,
/// whatever YAML style the expression is written in. The expression rule starts on line 8 of p.yaml; its
/// <c>expression:</c> key is on line 10.
/// </summary>
public sealed class CelDiagnosticsTests
{
    private const string Compile = "the CEL expression does not compile: ";

    private static string Problem(string expressionLines) =>
        Assert.Single(Sets.RuleProblems("  - id: e\n    kind: expression\n" + expressionLines));

    [Fact]
    public void Given_an_incomplete_plain_expression_When_loaded_Then_the_error_points_just_after_its_end()
    {
        var problem = Problem("    expression: size(approvals) >=\n");

        Assert.StartsWith($"p.yaml:10:35: {Compile}", problem, StringComparison.Ordinal);
        Assert.Contains("<EOF>", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_incomplete_expression_followed_by_a_comment_When_loaded_Then_the_comment_is_not_part_of_it()
    {
        var problem = Problem("    expression: size(approvals) >= # then what\n");

        Assert.StartsWith($"p.yaml:10:35: {Compile}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_stray_character_in_a_plain_expression_When_loaded_Then_it_is_an_error_at_that_character()
    {
        var problem = Problem("    expression: a &&& b\n");

        Assert.Equal($"p.yaml:10:21: {Compile}token recognition error at: '& '", problem);
    }

    [Fact]
    public void Given_a_stray_character_in_a_double_quoted_expression_When_loaded_Then_the_column_allows_for_the_quote()
    {
        var problem = Problem("    expression: \"size(approvals) &&& b\"\n");

        Assert.StartsWith($"p.yaml:10:36: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_stray_character_in_a_single_quoted_expression_When_loaded_Then_the_column_allows_for_the_quote()
    {
        var problem = Problem("    expression: 'size(approvals) # 1'\n");

        Assert.StartsWith($"p.yaml:10:34: {Compile}token recognition error at: '#'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_block_scalar_with_an_error_on_its_second_line_When_loaded_Then_the_position_is_in_the_file()
    {
        var problem = Problem("""
                expression: |
                  size(approvals) >= 1 &&
                  promotion &&& x
            """);

        Assert.StartsWith($"p.yaml:12:19: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_block_scalar_whose_second_line_is_indented_further_When_loaded_Then_the_extra_indentation_is_counted_once()
    {
        var problem = Problem("""
                expression: |
                  size(approvals) >= 1 &&
                    promotion &&& x
            """);

        Assert.StartsWith($"p.yaml:12:21: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_folded_block_scalar_with_an_error_on_its_second_line_When_loaded_Then_the_position_is_in_the_file()
    {
        var problem = Problem("""
                expression: >
                  size(approvals) >= 1 &&
                  promotion &&& x
            """);

        Assert.StartsWith($"p.yaml:12:19: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_plain_expression_continued_on_the_next_line_When_loaded_Then_the_position_is_on_that_line()
    {
        var problem = Problem("""
                expression: size(approvals) >= 1 &&
                  promotion &&& x
            """);

        Assert.StartsWith($"p.yaml:11:19: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_block_scalar_with_a_header_comment_and_a_blank_line_When_loaded_Then_both_are_skipped()
    {
        var problem = Problem("""
                expression: |- # the second line is wrong

                  size(approvals) >= 1 &&
                  a &&& b
            """);

        Assert.StartsWith($"p.yaml:13:11: {Compile}token recognition error", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_block_scalar_with_a_grammar_error_on_its_second_line_When_loaded_Then_the_position_is_that_token()
    {
        var problem = Problem("""
                expression: |
                  size(approvals) >= 1 &&
                  (promotion == null))
            """);

        Assert.StartsWith($"p.yaml:12:26: {Compile}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_incomplete_block_scalar_followed_by_another_rule_When_loaded_Then_the_error_is_after_its_last_character()
    {
        var problems = Sets.RuleProblems("""
              - id: e
                kind: expression
                expression: |
                  size(approvals) >=
              - id: f
                kind: artifact
            """);

        var problem = Assert.Single(problems);
        Assert.StartsWith($"p.yaml:11:25: {Compile}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("size(approvalz) > 0", "approvalz")]
    [InlineData("facts.request.kind == 'promotion'", "facts")]
    [InlineData("model.retired", "model")]
    public void Given_an_expression_naming_an_undeclared_root_When_loaded_Then_the_known_roots_are_listed(string expression, string name)
    {
        var problem = Problem($"    expression: {expression}\n");

        Assert.StartsWith($"p.yaml:10:17: {Compile}", problem, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", problem, StringComparison.Ordinal);
        Assert.EndsWith("The input document has: request, modelVersion, datasets, evaluations, promotion, approvals.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_constant_regex_that_does_not_parse_When_loaded_Then_the_set_loads_and_the_rule_fails_when_evaluated()
    {
        var set = Sets.WithRules("  - id: e\n    kind: expression\n    expression: \"'x'.matches('[')\"\n");

        var decision = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.False(decision.Allowed);
        Assert.Equal(RuleOutcomes.Failed, Assert.Single(decision.Rules).Outcome);
    }

    [Fact]
    public void Given_an_expression_that_is_not_text_When_loaded_Then_it_must_be_a_text_value()
    {
        var problem = Problem("    expression: [true]\n");

        Assert.Equal("p.yaml:10:17: 'expression' must be a text value.", problem);
    }
}
