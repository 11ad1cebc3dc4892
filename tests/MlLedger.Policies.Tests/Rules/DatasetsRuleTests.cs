using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class DatasetsRuleTests
{
    private const string TrainingData = """
          - id: training-data
            kind: datasets
            checksPassed: [pii-scan]
            licenses: [CC-BY-4.0, MIT]
            personalData: forbidden
        """;

    private static DatasetFact Clean(string id = "churn-train@3") => Facts.Dataset(id, ["train"], checks: [Facts.Check("pii-scan", "passed", 1)]);

    [Fact]
    public void Given_a_clean_training_dataset_When_evaluated_Then_passes_saying_what_was_checked()
    {
        var result = Sets.Rule(TrainingData, Facts.Production());

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("the training dataset is registered, not withdrawn, passed pii-scan, allowed licenses, no personal data", result.Reason);
        Assert.Equal([Facts.ModelEntry, new EntryRef("dataset-churn-train@3", 1), new EntryRef("dataset-check", 1)], result.Evidence);
    }

    [Fact]
    public void Given_two_clean_training_datasets_When_evaluated_Then_the_reason_counts_them()
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(Clean("a@1"), Clean("b@1")));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("all 2 training datasets are registered, not withdrawn, passed pii-scan, allowed licenses, no personal data", result.Reason);
    }

    [Fact]
    public void Given_a_withdrawn_training_dataset_When_evaluated_Then_fails()
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(Clean() with { Withdrawn = true }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset churn-train@3 is withdrawn", result.Reason);
    }

    [Fact]
    public void Given_a_training_dataset_id_that_is_not_registered_When_evaluated_Then_fails()
    {
        var facts = Facts.Production().WithModel(m => m with { TrainedOn = ["ghost@1"] });

        var result = Sets.Rule(TrainingData, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset ghost@1 is not registered", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_passed_then_a_failed_pii_scan_When_evaluated_Then_the_latest_failure_wins()
    {
        var dataset = Clean() with { Checks = [Facts.Check("pii-scan", "passed", 1), Facts.Check("pii-scan", "failed", 2)] };

        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(dataset));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset churn-train@3 failed pii-scan", result.Reason);
        Assert.Contains(new EntryRef("dataset-check", 2), result.Evidence);
        Assert.DoesNotContain(new EntryRef("dataset-check", 1), result.Evidence);
    }

    [Fact]
    public void Given_a_failed_then_a_passed_pii_scan_When_evaluated_Then_the_latest_pass_wins()
    {
        var dataset = Clean() with { Checks = [Facts.Check("pii-scan", "failed", 1), Facts.Check("pii-scan", "passed", 2)] };

        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(dataset));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Contains(new EntryRef("dataset-check", 2), result.Evidence);
    }

    [Fact]
    public void Given_a_pii_scan_with_another_result_When_evaluated_Then_fails_quoting_the_result()
    {
        var dataset = Clean() with { Checks = [Facts.Check("pii-scan", "pending", 1)] };

        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(dataset));

        Assert.Equal("training dataset churn-train@3 has result 'pending' for pii-scan", result.Reason);
    }

    [Fact]
    public void Given_a_training_dataset_never_scanned_When_evaluated_Then_fails()
    {
        var dataset = Clean() with { Checks = [Facts.Check("toxicity", "passed", 1)] };

        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(dataset));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset churn-train@3 has no pii-scan result", result.Reason);
    }

    [Theory]
    [InlineData("CC-BY-4.0")]
    [InlineData("cc-by-4.0")]
    [InlineData("mit")]
    public void Given_a_license_in_the_allow_list_in_any_case_When_evaluated_Then_passes(string license)
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(Clean() with { License = license }));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_a_license_outside_the_allow_list_When_evaluated_Then_fails_quoting_the_list()
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(Clean() with { License = "CC-BY-NC-4.0" }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset churn-train@3 has license 'CC-BY-NC-4.0', which is not in the allow-list (CC-BY-4.0, MIT)", result.Reason);
    }

    [Fact]
    public void Given_no_allow_list_When_evaluated_Then_any_license_passes_and_the_reason_does_not_claim_one()
    {
        const string rule = """
              - id: any-license
                kind: datasets
            """;

        var result = Sets.Rule(rule, Facts.Production().WithTrainingData(Clean() with { License = "Proprietary" }));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("the training dataset is registered, not withdrawn, no personal data", result.Reason);
    }

    [Fact]
    public void Given_personal_data_and_a_policy_that_forbids_it_When_evaluated_Then_fails()
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithTrainingData(Clean() with { ContainsPersonalData = true }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("training dataset churn-train@3 contains personal data, which this policy does not allow", result.Reason);
    }

    [Fact]
    public void Given_personal_data_and_no_personal_data_setting_When_evaluated_Then_it_is_forbidden_by_default()
    {
        const string rule = """
              - id: default
                kind: datasets
            """;

        var result = Sets.Rule(rule, Facts.Production().WithTrainingData(Clean() with { ContainsPersonalData = true }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
    }

    [Fact]
    public void Given_personal_data_and_a_policy_that_allows_it_When_evaluated_Then_passes_without_claiming_none()
    {
        const string rule = """
              - id: personal-ok
                kind: datasets
                checksPassed: [pii-scan]
                personalData: allowed
            """;

        var result = Sets.Rule(rule, Facts.Production().WithTrainingData(Clean() with { ContainsPersonalData = true }));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("the training dataset is registered, not withdrawn, passed pii-scan", result.Reason);
    }

    [Fact]
    public void Given_no_training_data_When_evaluated_Then_fails()
    {
        var result = Sets.Rule(TrainingData, Facts.Production().WithModel(m => m with { TrainedOn = [] }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 names no training dataset, so none can be shown to meet the data rules", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_no_training_data_and_allow_no_training_data_When_evaluated_Then_passes()
    {
        const string rule = """
              - id: pretrained
                kind: datasets
                checksPassed: [pii-scan]
                allowNoTrainingData: true
            """;

        var result = Sets.Rule(rule, Facts.Production().WithModel(m => m with { TrainedOn = [] }));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("churn@7 names no training dataset", result.Reason);
    }

    [Fact]
    public void Given_allow_no_training_data_When_there_is_training_data_Then_it_is_still_checked()
    {
        const string rule = """
              - id: pretrained
                kind: datasets
                allowNoTrainingData: true
            """;

        var result = Sets.Rule(rule, Facts.Production().WithTrainingData(Clean() with { Withdrawn = true }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
    }

    [Fact]
    public void Given_several_problems_across_datasets_When_evaluated_Then_every_one_is_reported_in_order()
    {
        var bad = Facts.Dataset("bad@1", ["train"], license: "GPL-3.0", personalData: true, withdrawn: true);
        var facts = Facts.Production().WithTrainingData(Clean(), bad).WithModel(m => m with { TrainedOn = ["churn-train@3", "ghost@2", "bad@1"] });

        var result = Sets.Rule(TrainingData, facts);

        Assert.Equal(
            "training dataset ghost@2 is not registered; " +
            "training dataset bad@1 is withdrawn; " +
            "training dataset bad@1 has no pii-scan result; " +
            "training dataset bad@1 has license 'GPL-3.0', which is not in the allow-list (CC-BY-4.0, MIT); " +
            "training dataset bad@1 contains personal data, which this policy does not allow",
            result.Reason);
    }
}
