using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Deployments;

public enum DeploymentStatus
{
    None,
    Active,
    Blocked,
    RolledBack,
    Retired,
}

/// <summary>
/// State of one deployment stream. <see cref="Id"/> is the stream key ("deployments/{id}"). <see cref="Actor"/>
/// and <see cref="At"/> say who deployed (or attempted to) and when; <see cref="EndReason"/> and
/// <see cref="EndedAt"/> describe a rollback or retirement.
/// </summary>
public sealed record Deployment(
    string Id,
    DeploymentStatus Status,
    string ModelVersionId,
    string Model,
    string Version,
    string Environment,
    string? Endpoint,
    string ArtifactSha256,
    Stage RequiredStage,
    string? BlockCode,
    string? BlockReason,
    string? Actor,
    DateTimeOffset? At,
    string? EndReason,
    DateTimeOffset? EndedAt)
{
    /// <summary>The deployment id as the caller chose it (without the stream key prefix).</summary>
    public string DeploymentId { get; init; } = "";

    public string? EndedBy { get; init; }

    /// <summary>The policy decision the deployment was allowed or refused on, when the policies were consulted.</summary>
    public PolicyDecision? Decision { get; init; }

    public static Deployment Initial { get; } = new(
        Id: "",
        Status: DeploymentStatus.None,
        ModelVersionId: "",
        Model: "",
        Version: "",
        Environment: "",
        Endpoint: null,
        ArtifactSha256: "",
        RequiredStage: Stage.None,
        BlockCode: null,
        BlockReason: null,
        Actor: null,
        At: null,
        EndReason: null,
        EndedAt: null);

    public static Deployment Evolve(Deployment state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            DeploymentRecorded e => state with
            {
                Id = StreamKeys.Deployment(e.DeploymentId),
                DeploymentId = e.DeploymentId,
                Status = DeploymentStatus.Active,
                ModelVersionId = e.ModelVersionId,
                Model = e.Model,
                Version = e.Version,
                Environment = e.Environment,
                Endpoint = e.Endpoint,
                ArtifactSha256 = e.ArtifactSha256,
                RequiredStage = e.RequiredStage,
                Actor = e.DeployedBy,
                At = e.DeployedAt,
                Decision = e.Decision,
            },
            DeploymentBlocked e => state with
            {
                Id = StreamKeys.Deployment(e.DeploymentId),
                DeploymentId = e.DeploymentId,
                Status = DeploymentStatus.Blocked,
                ModelVersionId = e.ModelVersionId,
                Model = e.Model,
                Version = e.Version,
                Environment = e.Environment,
                Endpoint = e.Endpoint,
                ArtifactSha256 = e.ArtifactSha256,
                BlockCode = e.Code,
                BlockReason = e.Reason,
                Actor = e.AttemptedBy,
                At = e.AttemptedAt,
                Decision = e.Decision,
            },
            DeploymentRolledBack e => state with
            {
                Status = DeploymentStatus.RolledBack,
                EndReason = e.Reason,
                EndedBy = e.RolledBackBy,
                EndedAt = e.RolledBackAt,
            },
            DeploymentRetired e => state with
            {
                Status = DeploymentStatus.Retired,
                EndReason = e.Reason,
                EndedBy = e.RetiredBy,
                EndedAt = e.RetiredAt,
            },
            _ => state,
        };
    }
}
