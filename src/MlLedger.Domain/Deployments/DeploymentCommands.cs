using MlLedger.Domain.Models;
using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Deployments;

/// <summary>Closed hierarchy of what can be asked of a deployment stream.</summary>
public abstract record DeploymentCommand
{
    private protected DeploymentCommand()
    {
    }
}

/// <param name="ArtifactSha256">The digest of the bytes actually deployed, as the pipeline reports it.</param>
/// <param name="RequiredStage">The stage the policy set's environment mapping requires, or null for an unknown environment.</param>
/// <param name="Decision">The policy decision for the required stage (null when there is no known stage to decide on).</param>
public sealed record RecordDeployment(
    string DeploymentId,
    ModelVersionFacts ModelVersion,
    string Model,
    string Version,
    string Environment,
    string? Endpoint,
    string ArtifactSha256,
    Stage? RequiredStage,
    PolicyDecision? Decision,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand
{
    /// <summary>The facts <see cref="Decision"/> was taken on, recorded with it so that it can be replayed.</summary>
    public PolicyFacts? Facts { get; init; }
}

public sealed record RollBackDeployment(
    string Reason,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand;

public sealed record RetireDeployment(
    string Reason,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand;
