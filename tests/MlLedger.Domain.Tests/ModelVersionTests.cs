using System.Text.Json;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Models;

namespace MlLedger.Domain.Tests;

public sealed class ModelVersionTests
{
    private const string Id = "churn@7";

    private static readonly Dictionary<string, JsonElement> Parameters = new()
    {
        ["eta"] = Json.Element("0.1"),
        ["objective"] = Json.Element("\"binary:logistic\""),
    };

    private static readonly ModelVersionRegistered Registered = new(
        Id, "churn", "7", Fixed.ArtifactSha, "xgboost", "run-42", "abc123", ["churn-train@3"], Parameters, "pipeline-1", Fixed.Now);

    private static readonly ModelVersionRetired Retired = new(Id, "superseded", "admin", Fixed.Later(9));

    private static DeciderSpec<ModelVersion> Spec() =>
        DeciderSpec.For(ModelVersionDecider.Decide, ModelVersion.Evolve, ModelVersion.Initial);

    private static RegisterModelVersion Register(
        IReadOnlyList<string>? trainedOn = null, DatasetStatus status = DatasetStatus.Active) =>
        new(
            "churn", "7", Fixed.ArtifactSha, "xgboost", "run-42", "abc123", trainedOn ?? ["churn-train@3"], Parameters,
            new Dictionary<string, DatasetStatus> { ["churn-train@3"] = status }, "pipeline-1", Fixed.Now);

    private static RecordEvaluation Evaluate(DatasetStatus status = DatasetStatus.Active, string evaluationId = "eval-1") =>
        new(evaluationId, "churn-holdout@3", new Dictionary<string, double> { ["auc"] = 0.91 }, status, "pipeline-1", Fixed.Later(1));

    private static ModelVersionStageChanged StageChanged(Stage from, Stage to, string promotionId, int minutes) =>
        new(Id, from, to, promotionId, Fixed.Later(minutes));

    [Fact]
    public void Given_nothing_When_registering_trained_on_an_active_dataset_Then_model_version_registered() =>
        Spec().When(Register()).Then(Registered);

    [Fact]
    public void Given_nothing_When_registering_with_a_risk_tier_Then_it_is_recorded_and_kept_in_state()
    {
        var state = Spec().When(Register() with { RiskTier = "high" }).Then(Registered with { RiskTier = "high" });

        Assert.Equal("high", state.RiskTier);
    }

    [Fact]
    public void Given_nothing_When_registering_without_a_risk_tier_Then_none_is_recorded()
    {
        var registered = Assert.IsType<ModelVersionRegistered>(Assert.Single(ModelVersionDecider.Decide(Register(), ModelVersion.Initial)));

        Assert.Null(registered.RiskTier);
        Assert.Null(ModelVersion.Evolve(ModelVersion.Initial, registered).RiskTier);
    }

    [Fact]
    public void Given_registered_version_When_registering_again_Then_rejected_as_already_registered() =>
        Spec().Given(Registered).When(Register()).ThenRejected("model-version-already-registered");

    [Fact]
    public void Given_nothing_When_registering_without_training_data_Then_rejected_as_no_training_data() =>
        Spec().When(Register(trainedOn: [])).ThenRejected("no-training-data");

    [Fact]
    public void Given_nothing_When_registering_trained_on_an_unknown_dataset_Then_rejected_naming_it()
    {
        var rejection = Spec().When(Register(trainedOn: ["churn-train@3", "ghost@1"])).ThenRejected("dataset-not-found");

        Assert.Contains("ghost@1", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_nothing_When_registering_trained_on_a_withdrawn_dataset_Then_rejected_as_withdrawn() =>
        Spec().When(Register(status: DatasetStatus.Withdrawn)).ThenRejected("dataset-withdrawn");

    [Fact]
    public void Given_registered_version_When_recording_an_evaluation_Then_evaluation_recorded() =>
        Spec()
            .Given(Registered)
            .When(Evaluate())
            .Then(new EvaluationRecorded(
                Id, "eval-1", "churn-holdout@3", new Dictionary<string, double> { ["auc"] = 0.91 }, "pipeline-1", Fixed.Later(1)));

    [Fact]
    public void Given_nothing_When_recording_an_evaluation_Then_rejected_as_not_found() =>
        Spec().When(Evaluate()).ThenRejected("model-version-not-found");

    [Fact]
    public void Given_retired_version_When_recording_an_evaluation_Then_rejected_as_retired() =>
        Spec().Given(Registered, Retired).When(Evaluate()).ThenRejected("model-version-retired");

    [Fact]
    public void Given_registered_version_When_evaluating_on_an_unknown_dataset_Then_rejected_as_not_found() =>
        Spec().Given(Registered).When(Evaluate(DatasetStatus.Unregistered)).ThenRejected("dataset-not-found");

    [Fact]
    public void Given_registered_version_When_evaluating_on_a_withdrawn_dataset_Then_rejected_as_withdrawn() =>
        Spec().Given(Registered).When(Evaluate(DatasetStatus.Withdrawn)).ThenRejected("dataset-withdrawn");

    [Fact]
    public void Given_recorded_evaluation_When_recording_the_same_evaluation_id_Then_rejected_as_already_recorded() =>
        Spec()
            .Given(Registered, new EvaluationRecorded(Id, "eval-1", "churn-holdout@3", new Dictionary<string, double>(), "p", Fixed.Now))
            .When(Evaluate())
            .ThenRejected("evaluation-already-recorded");

    [Fact]
    public void Given_registered_version_When_changing_to_staging_Then_stage_changed_from_none() =>
        Spec()
            .Given(Registered)
            .When(new ChangeStage(Stage.Staging, "promo-1", Fixed.Later(2)))
            .Then(StageChanged(Stage.None, Stage.Staging, "promo-1", 2));

    [Fact]
    public void Given_version_in_production_When_an_older_staging_promotion_completes_Then_rejected_so_it_is_never_demoted() =>
        Spec()
            .Given(Registered, StageChanged(Stage.None, Stage.Production, "promo-1", 2))
            .When(new ChangeStage(Stage.Staging, "promo-2", Fixed.Later(3)))
            .ThenRejected("already-in-stage");

    [Fact]
    public void Given_version_in_staging_When_changing_to_staging_Then_rejected_as_already_in_stage() =>
        Spec()
            .Given(Registered, StageChanged(Stage.None, Stage.Staging, "promo-1", 2))
            .When(new ChangeStage(Stage.Staging, "promo-2", Fixed.Later(3)))
            .ThenRejected("already-in-stage");

    [Fact]
    public void Given_nothing_When_changing_stage_Then_rejected_as_not_found() =>
        Spec().When(new ChangeStage(Stage.Staging, "promo-1", Fixed.Now)).ThenRejected("model-version-not-found");

    [Fact]
    public void Given_retired_version_When_changing_stage_Then_rejected_as_retired() =>
        Spec()
            .Given(Registered, Retired)
            .When(new ChangeStage(Stage.Staging, "promo-1", Fixed.Later(10)))
            .ThenRejected("model-version-retired");

    [Fact]
    public void Given_registered_version_When_retiring_Then_model_version_retired() =>
        Spec().Given(Registered).When(new RetireModelVersion("superseded", "admin", Fixed.Later(9))).Then(Retired);

    [Fact]
    public void Given_retired_version_When_retiring_again_Then_rejected_as_retired() =>
        Spec().Given(Registered, Retired).When(new RetireModelVersion("again", "admin", Fixed.Later(10))).ThenRejected("model-version-retired");

    [Fact]
    public void Given_nothing_When_retiring_Then_rejected_as_not_found() =>
        Spec().When(new RetireModelVersion("why", "admin", Fixed.Now)).ThenRejected("model-version-not-found");

    [Fact]
    public void Given_full_history_When_evolving_Then_state_holds_every_fact()
    {
        var state = Spec()
            .Given(
                Registered with { RiskTier = "limited" },
                new EvaluationRecorded(Id, "eval-1", "churn-holdout@3", new Dictionary<string, double> { ["auc"] = 0.91 }, "ci", Fixed.Later(1)),
                StageChanged(Stage.None, Stage.Staging, "promo-1", 2),
                StageChanged(Stage.Staging, Stage.Production, "promo-2", 3),
                Retired)
            .State;

        Assert.Equal("models/churn/7", state.Id);
        Assert.Equal(Id, state.ModelVersionId);
        Assert.True(state.Registered);
        Assert.Equal(("churn", "7", Fixed.ArtifactSha, "xgboost"), (state.Model, state.Version, state.ArtifactSha256, state.Framework));
        Assert.Equal(("run-42", "abc123"), (state.TrainingRunId, state.CodeCommit));
        Assert.Equal(["churn-train@3"], state.TrainedOn);
        Assert.Equal(0.1, state.Parameters["eta"].GetDouble());
        Assert.Equal(Stage.Production, state.Stage);
        Assert.Equal(
            [new StageEntry(Stage.Staging, "promo-1", Fixed.Later(2)), new StageEntry(Stage.Production, "promo-2", Fixed.Later(3))],
            state.StageHistory);
        var evaluation = Assert.Single(state.Evaluations);
        Assert.Equal(("eval-1", "churn-holdout@3", 0.91), (evaluation.EvaluationId, evaluation.Dataset, evaluation.Metrics["auc"]));
        Assert.Equal((true, "superseded", "admin"), (state.Retired, state.RetirementReason, state.RetiredBy));
        Assert.Equal(("pipeline-1", (DateTimeOffset?)Fixed.Now), (state.RegisteredBy, state.RegisteredAt));
        Assert.Equal("limited", state.RiskTier);
    }

    [Fact]
    public void Given_registered_version_When_evolving_an_unknown_event_Then_state_is_unchanged()
    {
        var state = Spec().Given(Registered).State;

        Assert.Same(state, ModelVersion.Evolve(state, new object()));
    }

    [Fact]
    public void Given_model_version_state_When_round_tripping_through_json_Then_nothing_is_lost()
    {
        var state = Spec().Given(Registered with { RiskTier = "high" }, StageChanged(Stage.None, Stage.Staging, "promo-1", 2)).State;

        var copy = Json.RoundTrip(state);

        Assert.Equal(Json.Describe(state), Json.Describe(copy));
        Assert.Equal("binary:logistic", copy.Parameters["objective"].GetString());
        Assert.Equal("high", copy.RiskTier);
    }

    [Fact]
    public void Given_staged_version_When_taking_its_facts_Then_they_describe_it()
    {
        var state = Spec().Given(Registered, StageChanged(Stage.None, Stage.Staging, "promo-1", 2)).State;

        Assert.Equal(new ModelVersionFacts(Id, true, false, Fixed.ArtifactSha, Stage.Staging), ModelVersionFacts.Of(state));
        Assert.Equal(new ModelVersionFacts(Id, false, false, "", Stage.None), ModelVersionFacts.NotFound("churn", "7"));
    }
}
