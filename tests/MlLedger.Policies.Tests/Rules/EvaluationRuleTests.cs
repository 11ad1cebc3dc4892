using MlLedger.Domain.Policies;
using MlLedger.Policies.Rules;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class EvaluationRuleTests
{
    private const string HoldoutAuc = """
          - id: holdout-auc
            kind: evaluation
            dataset: { tags: [holdout] }
            metric: auc
            op: ">="
            threshold: 0.85
        """;

    private const string Latency = """
          - id: latency
            kind: evaluation
            dataset: { tags: [holdout] }
            metric: latency_p99_ms
            op: "<="
            threshold: 250
        """;

    private static PolicyFacts WithEvaluations(params EvaluationFact[] evaluations) => Facts.Production() with { Evaluations = evaluations };

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
    public void Given_no_evaluation_at_all_When_evaluated_Then_fails_naming_the_selector_and_model_version()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations());

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset tagged holdout (other than its training data) is recorded for churn@7", result.Reason);
        Assert.Empty(result.Evidence);
    }

    [Fact]
    public void Given_only_an_evaluation_on_a_dataset_without_the_tag_When_evaluated_Then_it_does_not_count()
    {
        // not a training dataset of churn@7: only the missing tag keeps it out
        var facts = Facts.Production() with
        {
            Datasets = [.. Facts.Production().Datasets, Facts.Dataset("churn-validation@2", ["validation"])],
            Evaluations = [Facts.Evaluation("eval-1", "churn-validation@2", ("auc", 0.99))],
        };

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset tagged holdout (other than its training data) is recorded for churn@7", result.Reason);
    }

    [Fact]
    public void Given_a_holdout_tagged_dataset_the_version_was_trained_on_When_evaluated_Then_it_does_not_count()
    {
        // tagged holdout, but churn@7 was trained on it: it is no held-out data, whatever its tags say
        var facts = Facts.Production().WithTrainingData(Facts.Dataset("churn-train@3", ["train", "holdout"])) with
        {
            Evaluations = [Facts.Evaluation("eval-1", "churn-train@3", ("auc", 0.99))],
        };
        Assert.Contains(facts.Datasets, d => d.Id == "churn-train@3" && d.Tags.Contains("holdout"));

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset tagged holdout (other than its training data) is recorded for churn@7", result.Reason);
        Assert.Empty(result.Evidence);
    }

    [Fact]
    public void Given_a_holdout_tagged_dataset_of_another_version_s_training_When_evaluated_Then_it_counts()
    {
        // only the training data of the version being decided is excluded
        var facts = Facts.Production() with
        {
            Datasets = [.. Facts.Production().Datasets, Facts.Dataset("fraud-train@1", ["train", "holdout"])],
            Evaluations = [Facts.Evaluation("eval-1", "fraud-train@1", ("auc", 0.9))],
        };

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.9 >= 0.85 on dataset fraud-train@1", result.Reason);
    }

    [Theory]
    [InlineData(0.99)]
    [InlineData(0.5)]
    public void Given_a_real_holdout_and_a_holdout_tagged_training_dataset_When_evaluated_Then_only_the_real_holdout_decides(double onTraining)
    {
        var facts = Facts.Production().WithTrainingData(Facts.Dataset("churn-train@3", ["train", "holdout"])) with
        {
            Evaluations =
            [
                Facts.Evaluation("eval-1", "churn-holdout@3", ("auc", 0.91)),
                Facts.Evaluation("eval-2", "churn-train@3", ("auc", onTraining)),
            ],
        };

        var result = Sets.Rule(HoldoutAuc, facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("auc 0.91 >= 0.85 on dataset churn-holdout@3", result.Reason);
        Assert.Equal([new EntryRef("evaluation-eval-1", 1), new EntryRef("dataset-churn-holdout@3", 1)], result.Evidence);
    }

    [Fact]
    public void Given_a_name_selector_naming_a_training_dataset_When_evaluated_Then_its_evaluation_does_not_count()
    {
        const string rule = """
              - id: by-name
                kind: evaluation
                dataset: { name: "churn-train" }
                metric: auc
                op: ">="
                threshold: 0.85
            """;
        var facts = WithEvaluations(Facts.Evaluation("eval-1", "churn-train@3", ("auc", 0.99)));

        var result = Sets.Rule(rule, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset named churn-train (other than its training data) is recorded for churn@7", result.Reason);
    }

    [Fact]
    public void Given_an_evaluation_on_an_unregistered_dataset_When_evaluated_Then_it_does_not_count()
    {
        var result = Sets.Rule(HoldoutAuc, WithEvaluations(Facts.Evaluation("eval-1", "ghost@1", ("auc", 0.99))));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset tagged holdout (other than its training data) is recorded for churn@7", result.Reason);
    }

    [Fact]
    public void Given_a_selector_with_two_tags_When_the_dataset_has_only_one_Then_no_evaluation_matches()
    {
        const string rule = """
              - id: eu-holdout
                kind: evaluation
                dataset: { tags: [holdout, eu] }
                metric: auc
                op: ">="
                threshold: 0.85
            """;

        var result = Sets.Rule(rule, Facts.Production());

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no evaluation on a dataset tagged holdout and eu (other than its training data) is recorded for churn@7", result.Reason);
    }

    [Theory]
    [InlineData("churn-holdout", RuleOutcomes.Passed)]
    [InlineData("churn-*", RuleOutcomes.Passed)]
    [InlineData("churn-hold?ut", RuleOutcomes.Passed)]
    [InlineData("churn-holdout-*", RuleOutcomes.Failed)]
    [InlineData("fraud-*", RuleOutcomes.Failed)]
    public void Given_a_name_selector_When_evaluated_Then_the_dataset_name_is_matched_as_a_glob(string name, string outcome)
    {
        var rule = $"""
              - id: by-name
                kind: evaluation
                dataset: {"{"} name: "{name}" {"}"}
                metric: auc
                op: ">="
                threshold: 0.85
            """;

        var result = Sets.Rule(rule, Facts.Production());

        Assert.Equal(outcome, result.Outcome);
        if (outcome == RuleOutcomes.Failed)
        {
            Assert.Equal($"no evaluation on a dataset named {name} (other than its training data) is recorded for churn@7", result.Reason);
        }
    }

    [Fact]
    public void Given_tags_and_name_When_only_the_tags_match_Then_no_evaluation_matches()
    {
        const string rule = """
              - id: both
                kind: evaluation
                dataset: { tags: [holdout], name: "fraud-*" }
                metric: auc
                op: ">="
                threshold: 0.85
            """;

        var result = Sets.Rule(rule, Facts.Production());

        Assert.Equal("no evaluation on a dataset tagged holdout, named fraud-* (other than its training data) is recorded for churn@7", result.Reason);
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
