using System.Text.Json;

namespace MlLedger.Domain.Models;

/// <summary>Closed hierarchy of the facts recorded on a model version stream.</summary>
public abstract record ModelVersionEvent
{
    private protected ModelVersionEvent()
    {
    }
}

public sealed record ModelVersionRegistered(
    string ModelVersionId,
    string Model,
    string Version,
    string ArtifactSha256,
    string Framework,
    string? TrainingRunId,
    string? CodeCommit,
    IReadOnlyList<string> TrainedOn,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    string RegisteredBy,
    DateTimeOffset RegisteredAt) : ModelVersionEvent
{
    /// <summary>The risk tier the organisation assigned (e.g. "high"); policies may apply per tier.</summary>
    public string? RiskTier { get; init; }
}

public sealed record EvaluationRecorded(
    string ModelVersionId,
    string EvaluationId,
    string Dataset,
    IReadOnlyDictionary<string, double> Metrics,
    string RecordedBy,
    DateTimeOffset RecordedAt) : ModelVersionEvent;

/// <summary>The version moved between stages because promotion <paramref name="PromotionId"/> completed.</summary>
public sealed record ModelVersionStageChanged(
    string ModelVersionId,
    Stage FromStage,
    Stage ToStage,
    string PromotionId,
    DateTimeOffset ChangedAt) : ModelVersionEvent;

public sealed record ModelVersionRetired(
    string ModelVersionId,
    string Reason,
    string RetiredBy,
    DateTimeOffset RetiredAt) : ModelVersionEvent;
