using System.Text.Json;

namespace MlLedger.Domain.Models;

/// <summary>One step of a version's stage history.</summary>
public sealed record StageEntry(Stage Stage, string PromotionId, DateTimeOffset At);

public sealed record Evaluation(
    string EvaluationId,
    string Dataset,
    IReadOnlyDictionary<string, double> Metrics,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>State of one model version stream. <see cref="Id"/> is the stream key ("models/model/version").</summary>
public sealed record ModelVersion(
    string Id,
    bool Registered,
    string Model,
    string Version,
    string ArtifactSha256,
    string Framework,
    string? TrainingRunId,
    string? CodeCommit,
    IReadOnlyList<string> TrainedOn,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    Stage Stage,
    IReadOnlyList<StageEntry> StageHistory,
    IReadOnlyList<Evaluation> Evaluations,
    bool Retired,
    string? RetirementReason,
    string? RegisteredBy,
    DateTimeOffset? RegisteredAt)
{
    public string? RetiredBy { get; init; }

    public DateTimeOffset? RetiredAt { get; init; }

    public string? RiskTier { get; init; }

    /// <summary>"model@version".</summary>
    public string ModelVersionId => ModelVersionIds.Of(Model, Version);

    public static ModelVersion Initial { get; } = new(
        Id: "",
        Registered: false,
        Model: "",
        Version: "",
        ArtifactSha256: "",
        Framework: "",
        TrainingRunId: null,
        CodeCommit: null,
        TrainedOn: [],
        Parameters: new Dictionary<string, JsonElement>(),
        Stage: Stage.None,
        StageHistory: [],
        Evaluations: [],
        Retired: false,
        RetirementReason: null,
        RegisteredBy: null,
        RegisteredAt: null);

    public static ModelVersion Evolve(ModelVersion state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            ModelVersionRegistered e => state with
            {
                Id = StreamKeys.ModelVersion(e.Model, e.Version),
                Registered = true,
                Model = e.Model,
                Version = e.Version,
                ArtifactSha256 = e.ArtifactSha256,
                Framework = e.Framework,
                TrainingRunId = e.TrainingRunId,
                CodeCommit = e.CodeCommit,
                TrainedOn = e.TrainedOn,
                Parameters = e.Parameters,
                RegisteredBy = e.RegisteredBy,
                RegisteredAt = e.RegisteredAt,
                RiskTier = e.RiskTier,
            },
            EvaluationRecorded e => state with
            {
                Evaluations = [.. state.Evaluations, new Evaluation(e.EvaluationId, e.Dataset, e.Metrics, e.RecordedBy, e.RecordedAt)],
            },
            ModelVersionStageChanged e => state with
            {
                Stage = e.ToStage,
                StageHistory = [.. state.StageHistory, new StageEntry(e.ToStage, e.PromotionId, e.ChangedAt)],
            },
            ModelVersionRetired e => state with
            {
                Retired = true,
                RetirementReason = e.Reason,
                RetiredBy = e.RetiredBy,
                RetiredAt = e.RetiredAt,
            },
            _ => state,
        };
    }
}
