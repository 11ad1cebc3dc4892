using System.Text.Json;
using MlLedger.Domain.Datasets;

namespace MlLedger.Domain.Models;

public static class ModelVersionDecider
{
    public static IReadOnlyList<object> Decide(object command, ModelVersion state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            RegisterModelVersion c => Register(c, state),
            RecordEvaluation c => RecordEvaluation(c, state),
            ChangeStage c => ChangeStage(c, state),
            RetireModelVersion c => Retire(c, state),
            _ => throw new ArgumentException($"Unknown model version command {command.GetType().Name}.", nameof(command)),
        };
    }

    private static ModelVersionRegistered[] Register(RegisterModelVersion c, ModelVersion state)
    {
        var id = ModelVersionIds.Of(c.Model, c.Version);
        if (state.Registered)
        {
            throw new DomainRejection("model-version-already-registered", $"Model version {id} is already registered.");
        }

        var trainedOn = c.TrainedOn.Distinct(StringComparer.Ordinal).ToArray();
        if (trainedOn.Length == 0)
        {
            throw new DomainRejection("no-training-data", $"Model version {id} must name at least one training dataset.");
        }

        foreach (var dataset in trainedOn)
        {
            DatasetDecider.RequireUsable(dataset, c.Datasets.GetValueOrDefault(dataset, DatasetStatus.Unregistered), $"{id} cannot be trained on it");
        }

        return
        [
            new ModelVersionRegistered(
                id,
                c.Model,
                c.Version,
                c.ArtifactSha256,
                c.Framework,
                c.TrainingRunId,
                c.CodeCommit,
                trainedOn,
                new Dictionary<string, JsonElement>(c.Parameters, StringComparer.Ordinal),
                c.Actor,
                c.Now)
            {
                RiskTier = c.RiskTier,
            },
        ];
    }

    private static EvaluationRecorded[] RecordEvaluation(RecordEvaluation c, ModelVersion state)
    {
        RequireLive(state);
        if (state.Evaluations.Any(e => string.Equals(e.EvaluationId, c.EvaluationId, StringComparison.Ordinal)))
        {
            throw new DomainRejection("evaluation-already-recorded", $"Evaluation {c.EvaluationId} is already recorded on {state.ModelVersionId}.");
        }

        DatasetDecider.RequireUsable(c.Dataset, c.DatasetStatus, $"{state.ModelVersionId} cannot be evaluated on it");
        return
        [
            new EvaluationRecorded(
                state.ModelVersionId,
                c.EvaluationId,
                c.Dataset,
                new Dictionary<string, double>(c.Metrics, StringComparer.Ordinal),
                c.Actor,
                c.Now),
        ];
    }

    private static ModelVersionStageChanged[] ChangeStage(ChangeStage c, ModelVersion state)
    {
        RequireLive(state);
        // promotions only move a version up; an older promotion completing later must not demote it
        if (c.ToStage <= state.Stage)
        {
            throw new DomainRejection(
                "already-in-stage",
                $"{state.ModelVersionId} is already in stage '{StageNames.Of(state.Stage)}', not below '{StageNames.Of(c.ToStage)}'.");
        }

        return [new ModelVersionStageChanged(state.ModelVersionId, state.Stage, c.ToStage, c.PromotionId, c.Now)];
    }

    private static ModelVersionRetired[] Retire(RetireModelVersion c, ModelVersion state)
    {
        RequireLive(state);
        return [new ModelVersionRetired(state.ModelVersionId, c.Reason, c.Actor, c.Now)];
    }

    /// <summary>Registered and not retired.</summary>
    private static void RequireLive(ModelVersion state)
    {
        if (!state.Registered)
        {
            throw new DomainRejection("model-version-not-found", "Model version is not registered.");
        }

        if (state.Retired)
        {
            throw new DomainRejection("model-version-retired", $"{state.ModelVersionId} is retired.");
        }
    }
}
