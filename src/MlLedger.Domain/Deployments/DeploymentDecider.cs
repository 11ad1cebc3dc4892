namespace MlLedger.Domain.Deployments;

public static class DeploymentDecider
{
    public static IReadOnlyList<object> Decide(object command, Deployment state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return command switch
        {
            RecordDeployment c => Record(c, state),
            RollBackDeployment c => [new DeploymentRolledBack(RequireActive(state), c.Reason, c.Actor, c.Now)],
            RetireDeployment c => [new DeploymentRetired(RequireActive(state), c.Reason, c.Actor, c.Now)],
            _ => throw new ArgumentException($"Unknown deployment command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>
    /// Every attempt on an existing model version is recorded: a policy refusal is not thrown but returned as a
    /// <see cref="DeploymentBlocked"/> entry, so that auditors see blocked attempts too.
    /// </summary>
    private static object[] Record(RecordDeployment c, Deployment state)
    {
        if (state.Status != DeploymentStatus.None)
        {
            throw new DomainRejection("deployment-already-exists", $"Deployment {c.DeploymentId} already exists.");
        }

        var id = ModelVersionIds.Of(c.Model, c.Version);
        if (!string.Equals(c.ModelVersion.ModelVersionId, id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Facts are about {c.ModelVersion.ModelVersionId} but the deployment names {id}.", nameof(c));
        }

        if (!c.ModelVersion.Exists)
        {
            throw new DomainRejection("model-version-not-found", $"Model version {id} is not registered.");
        }

        var required = c.RequiredStage;
        if (c.Decision is { } decision
            && (required is not { } stage
                || !string.Equals(decision.ModelVersionId, id, StringComparison.Ordinal)
                || !string.Equals(decision.TargetStage, StageNames.Of(stage), StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"The decision is about {decision.ModelVersionId} to {decision.TargetStage}, not {id} to " +
                $"{(required is { } s ? StageNames.Of(s) : "an unknown stage")}.", nameof(c));
        }

        if (Refusal(c, id, required) is var (code, reason))
        {
            return
            [
                new DeploymentBlocked(
                    c.DeploymentId, id, c.Model, c.Version, c.Environment, c.Endpoint, c.ArtifactSha256, code, reason, c.Actor, c.Now)
                {
                    Decision = c.Decision,
                    Facts = c.Decision is null ? null : c.Facts,
                },
            ];
        }

        return
        [
            new DeploymentRecorded(
                c.DeploymentId, id, c.Model, c.Version, c.Environment, c.Endpoint, c.ArtifactSha256, required!.Value, c.Actor, c.Now)
            {
                Decision = c.Decision,
                Facts = c.Decision is null ? null : c.Facts,
            },
        ];
    }

    /// <summary>The first rule the attempt breaks, in a fixed order, or null when it may go ahead.</summary>
    private static (string Code, string Reason)? Refusal(RecordDeployment c, string id, Stage? required)
    {
        var model = c.ModelVersion;
        if (required is not { } stage)
        {
            return ("unknown-environment", $"Environment '{c.Environment}' matches no environment rule, so no stage requirement is known.");
        }

        if (model.Retired)
        {
            return ("model-version-retired", $"{id} is retired.");
        }

        if (model.Stage < stage)
        {
            return (
                "stage-not-reached",
                $"{id} is in stage '{StageNames.Of(model.Stage)}'; environment '{c.Environment}' requires '{StageNames.Of(stage)}'.");
        }

        if (!Sha256Digests.AreEqual(c.ArtifactSha256, model.ArtifactSha256))
        {
            return (
                "artifact-mismatch",
                $"Deployed artifact sha256 {c.ArtifactSha256} differs from {id}'s registered artifact sha256 {model.ArtifactSha256}.");
        }

        if (c.Decision is not { } decision)
        {
            throw new ArgumentException($"A deployment of {id} to '{c.Environment}' needs a policy decision.", nameof(c));
        }

        return decision.Allowed ? null : ("policy-denied", decision.Summary);
    }

    /// <returns>The deployment id.</returns>
    private static string RequireActive(Deployment state)
    {
        if (state.Status == DeploymentStatus.None)
        {
            throw new DomainRejection("deployment-not-found", "Deployment does not exist.");
        }

        if (state.Status != DeploymentStatus.Active)
        {
            throw new DomainRejection("deployment-not-active", $"Deployment {state.DeploymentId} is not active.");
        }

        return state.DeploymentId;
    }
}
