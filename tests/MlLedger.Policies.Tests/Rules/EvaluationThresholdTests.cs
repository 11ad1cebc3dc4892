using MlLedger.Domain.Policies;
using MlLedger.Policies.Rules;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Rules.EvaluationRuleSamples;

namespace MlLedger.Policies.Tests.Rules;

/// <summary>An evaluation rule comparing a metric with its threshold: the operators, the latest evaluation, several datasets, missing metrics.</summary>
public sealed class EvaluationThresholdTests
{
    private const string Latency = """
          - id: latency
            kind: evaluation
            dataset: { tags: [holdout] }
            metric: latency_p99_ms
            op: "<="
            threshold: 250
        """;

    [Fact]
    public void Given_auc_above_threshold_When_evaluated_Then_passes_with_the_measured_value()
    {
        var result = Sets.Rule(HoldoutAuc, Facts.Production());

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.91 >= 0.85 on dataset churn-holdout@3", result.Reason);
        Assert.Equal(RuleKinds.Evaluation, result.Kind);
        Assert.Equal("holdout-auc", result.Rule);
        Assert.Equal("p", result.Policy);
    }

    [Fact]
    public void Given_auc_below_threshold_When_evaluated_Then_fails_with_reason()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.81))));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("auc 0.81 < 0.85 on dataset churn-holdout@3", result.Reason);
    }

    [Fact]
    public void Given_auc_exactly_at_threshold_When_evaluated_with_at_least_Then_passes()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.85))));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.85 >= 0.85 on dataset churn-holdout@3", result.Reason);
    }

    [Theory]
    [InlineData(120, RuleOutcomes.Passed, "latency_p99_ms 120 <= 250 on dataset churn-holdout@3")]
    [InlineData(250, RuleOutcomes.Passed, "latency_p99_ms 250 <= 250 on dataset churn-holdout@3")]
    [InlineData(250.5, RuleOutcomes.Failed, "latency_p99_ms 250.5 > 250 on dataset churn-holdout@3")]
    public void Given_an_at_most_rule_When_evaluated_Then_values_up_to_the_threshold_pass(double latency, string outcome, string reason)
    {
        var result = Sets.Rule(Latency, WithEvaluations(Facts.Evaluation("eval-1", "churn-holdout@3", ("latency_p99_ms", latency))));

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Given_a_failing_then_a_passing_evaluation_on_one_dataset_When_evaluated_Then_the_latest_passes()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(
            Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.80)),
            Facts.Evaluation("eval-2", "churn-holdout@3", ("auc", 0.95))));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.95 >= 0.85 on dataset churn-holdout@3", result.Reason);
        Assert.Equal([new EntryRef("evaluation-eval-2", 1), new EntryRef("dataset-churn-holdout@3", 1)], result.Evidence);
    }

    [Fact]
    public void Given_a_passing_then_a_failing_evaluation_on_one_dataset_When_evaluated_Then_the_latest_fails()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(
            Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.95)),
            Facts.Evaluation("eval-2", "churn-holdout@3", ("auc", 0.80))));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("auc 0.8 < 0.85 on dataset churn-holdout@3", result.Reason);
    }

    [Fact]
    public void Given_two_holdout_datasets_When_one_misses_the_threshold_Then_the_rule_fails_naming_only_that_one()
    {
        var facts = Facts.Production() with
        {
            Datasets = [.. Facts.Production().Datasets, Facts.Dataset("churn-holdout-eu@1", ["holdout"])],
            Evaluations =
            [
                Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.91)),
                Facts.Evaluation("eval-2", "churn-holdout-eu@1", ("auc", 0.84)),
            ],
        };

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("auc 0.84 < 0.85 on dataset churn-holdout-eu@1", result.Reason);
    }

    [Fact]
    public void Given_two_holdout_datasets_that_both_pass_When_evaluated_Then_the_reason_lists_each_with_its_evidence()
    {
        var facts = Facts.Production() with
        {
            Datasets = [.. Facts.Production().Datasets, Facts.Dataset("churn-holdout-eu@1", ["holdout"])],
            Evaluations =
            [
                Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.91)),
                Facts.Evaluation("eval-2", "churn-holdout-eu@1", ("auc", 0.9)),
            ],
        };

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.91 >= 0.85 on dataset churn-holdout@3; auc 0.9 >= 0.85 on dataset churn-holdout-eu@1", result.Reason);
        Assert.Equal(
            [
                new EntryRef("evaluation-eval-1", 1), new EntryRef("dataset-churn-holdout@3", 1),
                new EntryRef("evaluation-eval-2", 1), new EntryRef("dataset-churn-holdout-eu@1", 1),
            ],
            result.Evidence);
    }

    [Fact]
    public void Given_an_evaluation_without_the_metric_When_evaluated_Then_fails_naming_the_missing_metric()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(Facts.Evaluation("eval-1", "churn-holdout@3", ("f1", 0.95))));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("the evaluation on dataset churn-holdout@3 has no metric auc", result.Reason);
        Assert.Equal([new EntryRef("evaluation-eval-1", 1), new EntryRef("dataset-churn-holdout@3", 1)], result.Evidence);
    }

    [Fact]
    public void Given_a_metric_that_is_not_a_number_When_evaluated_Then_it_never_meets_the_threshold()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", double.NaN))));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
    }
}
