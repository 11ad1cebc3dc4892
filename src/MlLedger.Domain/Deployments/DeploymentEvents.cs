using MlLedger.Domain.Policies;

namespace MlLedger.Domain.Deployments;

/// <summary>Closed hierarchy of the facts recorded on a deployment stream.</summary>
public abstract record DeploymentEvent
{
    private protected DeploymentEvent()
    {
    }
}

/// <summary>The model's bytes (<paramref name="ArtifactSha256"/>, as actually deployed) went live in an environment.</summary>
public sealed record DeploymentRecorded(
    string DeploymentId,
    string ModelVersionId,
    string Model,
    string Version,
    string Environment,
    string? Endpoint,
    string ArtifactSha256,
    Stage RequiredStage,
    string DeployedBy,
    DateTimeOffset DeployedAt) : DeploymentEvent
{
    /// <summary>The policy decision that allowed it.</summary>
    public PolicyDecision? Decision { get; init; }

    /// <summary>The facts the decision was taken on.</summary>
    public PolicyFacts? Facts { get; init; }
}

/// <summary>A deployment attempt was refused; kept so that auditors see every blocked attempt.</summary>
public sealed record DeploymentBlocked(
    string DeploymentId,
    string ModelVersionId,
    string Model,
    string Version,
    string Environment,
    string? Endpoint,
    string ArtifactSha256,
    string Code,
    string Reason,
    string AttemptedBy,
    DateTimeOffset AttemptedAt) : DeploymentEvent
{
    /// <summary>
    /// The policy decision taken for the environment's stage (null for an unknown environment). When the code is
    /// <c>policy-denied</c> it is what refused the deployment; otherwise an earlier rule refused it first.
    /// </summary>
    public PolicyDecision? Decision { get; init; }

    /// <summary>The facts the decision was taken on.</summary>
    public PolicyFacts? Facts { get; init; }
}

public sealed record DeploymentRolledBack(
    string DeploymentId,
    string Reason,
    string RolledBackBy,
    DateTimeOffset RolledBackAt) : DeploymentEvent;

public sealed record DeploymentRetired(
    string DeploymentId,
    string Reason,
    string RetiredBy,
    DateTimeOffset RetiredAt) : DeploymentEvent;
