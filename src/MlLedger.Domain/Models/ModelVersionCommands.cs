using System.Text.Json;
using MlLedger.Domain.Datasets;

namespace MlLedger.Domain.Models;

/// <summary>Closed hierarchy of what can be asked of a model version stream.</summary>
public abstract record ModelVersionCommand
{
    private protected ModelVersionCommand()
    {
    }
}

/// <param name="Datasets">Status of each <paramref name="TrainedOn"/> id as the caller found it; missing key = Unregistered.</param>
public sealed record RegisterModelVersion(
    string Model,
    string Version,
    string ArtifactSha256,
    string Framework,
    string? TrainingRunId,
    string? CodeCommit,
    IReadOnlyList<string> TrainedOn,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    IReadOnlyDictionary<string, DatasetStatus> Datasets,
    string Actor,
    DateTimeOffset Now) : ModelVersionCommand
{
    public string? RiskTier { get; init; }
}

/// <param name="DatasetStatus">Status of <paramref name="Dataset"/> as the caller found it.</param>
public sealed record RecordEvaluation(
    string EvaluationId,
    string Dataset,
    IReadOnlyDictionary<string, double> Metrics,
    DatasetStatus DatasetStatus,
    string Actor,
    DateTimeOffset Now) : ModelVersionCommand;

/// <summary>Issued by the system when promotion <paramref name="PromotionId"/> completes.</summary>
public sealed record ChangeStage(
    Stage ToStage,
    string PromotionId,
    DateTimeOffset Now) : ModelVersionCommand;

public sealed record RetireModelVersion(
    string Reason,
    string Actor,
    DateTimeOffset Now) : ModelVersionCommand;
