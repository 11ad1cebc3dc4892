using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Rules;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class ExpressionRuleTests
{
    private static string Expression(string expression, string? message = null) =>
        "  - id: expr\n    kind: expression\n    expression: '" + expression.Replace("'", "''", StringComparison.Ordinal) + "'\n"
        + (message is null ? "" : $"    message: \"{message}\"\n");

    private static RuleResult Evaluate(string expression, PolicyFacts? facts = null, string? message = null) =>
        Sets.Rule(Expression(expression, message), facts ?? Facts.Production());

    [Fact]
    public void Given_an_expression_that_is_true_When_evaluated_Then_passes_quoting_it()
    {
        var result = Evaluate("size(approvals) >= 2");

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("size(approvals) >= 2 is true", result.Reason);
        Assert.Equal(RuleKinds.Expression, result.Kind);
    }

    [Fact]
    public void Given_an_expression_that_is_false_and_no_message_When_evaluated_Then_fails_quoting_it()
    {
        var result = Evaluate("size(approvals) >= 3");

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("size(approvals) >= 3 is false", result.Reason);
    }

    [Fact]
    public void Given_an_expression_that_is_false_with_a_message_When_evaluated_Then_the_message_is_the_reason()
    {
        var result = Evaluate("size(approvals) >= 3", message: "three people must approve");

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("three people must approve", result.Reason);
    }

    [Theory]
    [InlineData("size(approvals)", "the expression gave a Int32 value, not true or false")]
    [InlineData("request.kind", "the expression gave a String value, not true or false")]
    [InlineData("null", "the expression gave null, not true or false")]
    [InlineData("approvals.map(a, a.approver)", "the expression gave a Object[] value, not true or false")]
    public void Given_an_expression_that_is_not_boolean_When_evaluated_Then_fails(string expression, string reason)
    {
        var result = Evaluate(expression);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [InlineData("approvals[5].approver == 'bob'")]
    [InlineData("request.nosuch == 'x'")]
    [InlineData("1 / (size(approvals) - 2) == 1")]
    [InlineData("int(request.kind) == 1")]
    [InlineData("datasets[0].checks['no-such-check'] == 'passed'")]
    [InlineData("!(datasets[0].checks['no-such-check'] == 'failed')")]
    [InlineData("evaluations.all(e, e.metrics.f1 >= 0.5)")]
    [InlineData("approvals.exists(a, a.approver == someone)")]
    [InlineData("request.kind.matches('[')")]
    public void Given_an_expression_that_errors_at_run_time_When_evaluated_Then_fails_and_never_allows(string expression)
    {
        var set = Sets.WithRules(Expression(expression));

        var decision = PolicyEngine.Evaluate(set, Facts.Production());

        Assert.False(decision.Allowed);
        var result = Assert.Single(decision.Rules);
        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.StartsWith("the expression could not be evaluated: ", result.Reason, StringComparison.Ordinal);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_passing_expression_When_evaluated_Then_every_fact_entry_is_evidence()
    {
        var result = Evaluate("true");

        Assert.Equal(
            [
                Facts.ModelEntry, Facts.PromotionEntry,
                new EntryRef("dataset-churn-train@3", 1), new EntryRef("dataset-churn-holdout@3", 1),
                new EntryRef("evaluation-eval-1", 1),
                new EntryRef("approval-bob", 1), new EntryRef("approval-carol", 1),
            ],
            result.Evidence);
    }

    /// <summary>The input document of <see cref="CelInput"/>, read through the CEL macros and operators.</summary>
    [Theory]
    [InlineData("request.kind == 'promotion'", true)]
    [InlineData("request.targetStage == 'production'", true)]
    [InlineData("request.environment == null", true)]
    [InlineData("request.requester == 'alice'", true)]
    [InlineData("request.artifactSha256 == null", true)]
    [InlineData("request.at == '2026-03-02T12:00:00Z'", true)]
    [InlineData("modelVersion.id == 'churn@7' && modelVersion.model == 'churn' && modelVersion.version == '7'", true)]
    [InlineData("modelVersion.artifactSha256 == promotion.artifactSha256", true)]
    [InlineData("modelVersion.stage == 'staging' && modelVersion.riskTier == null && !modelVersion.retired", true)]
    [InlineData("'churn-train@3' in modelVersion.trainedOn", true)]
    [InlineData("'churn-holdout@3' in modelVersion.trainedOn", false)]
    [InlineData("modelVersion.stageHistory.exists(s, s.stage == 'staging' && s.promotionId == 'p-1')", true)]
    [InlineData("timestamp(request.at) - timestamp(modelVersion.stageHistory[0].at) >= duration('47h')", true)]
    [InlineData("timestamp(request.at) - timestamp(modelVersion.stageHistory[0].at) >= duration('49h')", false)]
    [InlineData("size(datasets) == 2", true)]
    [InlineData("datasets.all(d, d.license == 'CC-BY-4.0' && !d.containsPersonalData && !d.withdrawn)", true)]
    [InlineData("datasets.exists(d, 'holdout' in d.tags && d.name == 'churn-holdout' && d.version == '3')", true)]
    [InlineData("datasets.filter(d, d.id in modelVersion.trainedOn).all(d, d.checks['pii-scan'] == 'passed')", true)]
    [InlineData("'pii-scan' in datasets[1].checks", false)]
    [InlineData("has(datasets[0].checks.toxicity)", false)]
    [InlineData("evaluations.exists(e, e.dataset == 'churn-holdout@3' && e.metrics.auc >= 0.9)", true)]
    [InlineData("evaluations.exists(e, e.metrics.auc >= 0.95)", false)]
    [InlineData("evaluations[0].id == 'eval-1'", true)]
    [InlineData("promotion.id == 'p-2' && promotion.targetStage == 'production' && promotion.status == 'pending'", true)]
    [InlineData("promotion.requestedBy == request.requester", true)]
    [InlineData("size(approvals) == 2", true)]
    [InlineData("approvals.size() > 2", false)]
    [InlineData("approvals.all(a, a.approver != promotion.requestedBy)", true)]
    [InlineData("approvals.all(a, 'risk-officer' in a.roles)", false)]
    [InlineData("approvals.exists(a, 'risk-officer' in a.roles)", true)]
    [InlineData("approvals.exists_one(a, 'approver' in a.roles)", false)]
    [InlineData("approvals.exists_one(a, 'risk-officer' in a.roles)", true)]
    [InlineData("approvals.map(a, a.approver) == ['bob', 'carol']", true)]
    [InlineData("approvals.all(a, a.artifactSha256 == modelVersion.artifactSha256 && a.at < request.at)", true)]
    [InlineData("request.requester in ['bob', 'carol']", false)]
    public void Given_the_input_document_When_an_expression_reads_it_Then_it_sees_the_facts(string expression, bool expected)
    {
        var result = Evaluate(expression);

        Assert.Equal(expected ? RuleOutcomes.Passed : RuleOutcomes.Failed, result.Outcome);
        Assert.Equal($"{expression} is {(expected ? "true" : "false")}", result.Reason);
    }

    [Fact]
    public void Given_no_promotion_When_an_expression_reads_it_Then_promotion_is_null()
    {
        var result = Evaluate("promotion == null", Facts.Production() with { Promotion = null });

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_several_results_of_one_check_When_an_expression_reads_the_checks_Then_it_sees_the_latest()
    {
        var facts = Facts.Production().WithTrainingData(
            Facts.Dataset("churn-train@3", ["train"], checks: [Facts.Check("pii-scan", "passed", 1), Facts.Check("pii-scan", "failed", 2)]));

        var result = Evaluate("datasets[0].checks['pii-scan'] == 'failed'", facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_a_request_time_with_an_offset_When_an_expression_reads_it_Then_it_is_utc_rfc3339_text()
    {
        var at = new DateTimeOffset(2026, 3, 2, 14, 0, 0, 500, TimeSpan.FromHours(2));

        var result = Evaluate("request.at == '2026-03-02T12:00:00.5Z'", Facts.Production().WithRequest(r => r with { At = at }));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_the_documented_variables_When_the_input_document_is_built_Then_it_has_exactly_those_names()
    {
        var input = CelInput.Of(Facts.Production());

        Assert.Equal(["request", "modelVersion", "datasets", "evaluations", "promotion", "approvals"], CelInput.Variables);
        Assert.Equal(CelInput.Variables.Order(StringComparer.Ordinal), input.Keys.Order(StringComparer.Ordinal));
    }
}
