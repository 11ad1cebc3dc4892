using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;
using static MlLedger.Policies.Tests.Rules.EvaluationRuleSamples;

namespace MlLedger.Policies.Tests.Rules;

/// <summary>Which evaluations an evaluation rule counts: by dataset tags and name, never on the version's own training data.</summary>
public sealed class EvaluationDatasetSelectionTests
{
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
}
