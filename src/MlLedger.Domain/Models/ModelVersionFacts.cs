namespace MlLedger.Domain.Models;

/// <summary>
/// What other streams (promotions, deployments) need to know about a model version, gathered by the caller
/// from the model version stream. <see cref="ModelVersionId"/> is "model@version".
/// </summary>
public sealed record ModelVersionFacts(
    string ModelVersionId,
    bool Exists,
    bool Retired,
    string ArtifactSha256,
    Stage Stage)
{
    public static ModelVersionFacts Of(ModelVersion state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ModelVersionFacts(state.ModelVersionId, state.Registered, state.Retired, state.ArtifactSha256, state.Stage);
    }

    public static ModelVersionFacts NotFound(string model, string version) =>
        new(ModelVersionIds.Of(model, version), Exists: false, Retired: false, ArtifactSha256: "", Stage.None);
}
