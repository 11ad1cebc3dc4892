using MlLedger.Domain.Models;

namespace MlLedger.Domain.Deployments;

/// <summary>Closed hierarchy of what can be asked of a deployment stream.</summary>
public abstract record DeploymentCommand
{
    private protected DeploymentCommand()
    {
    }
}

/// <param name="ArtifactSha256">The digest of the bytes actually deployed, as the pipeline reports it.</param>
public sealed record RecordDeployment(
    string DeploymentId,
    ModelVersionFacts ModelVersion,
    string Model,
    string Version,
    string Environment,
    string? Endpoint,
    string ArtifactSha256,
    EnvironmentStages Environments,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand;

public sealed record RollBackDeployment(
    string Reason,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand;

public sealed record RetireDeployment(
    string Reason,
    string Actor,
    DateTimeOffset Now) : DeploymentCommand;
