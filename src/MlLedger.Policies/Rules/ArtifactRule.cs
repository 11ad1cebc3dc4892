using MlLedger.Domain;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// Artifact integrity: the model version has an artifact digest; the promotion was requested for that digest;
/// and the digest about to be deployed (a deployment, or a check that names one) equals the approved one.
/// </summary>
public sealed class ArtifactRule(string id, string? description) : PolicyRule(id, RuleKinds.Artifact, description)
{
    internal override Verdict Evaluate(FactIndex facts)
    {
        var model = facts.Facts.ModelVersion;
        if (!IsSha256(model.ArtifactSha256))
        {
            return Verdict.Fail($"{model.Id} has no artifact sha256", [model.Entry]);
        }

        var promotion = facts.Facts.Promotion;
        var deploying = facts.Facts.Request.ArtifactSha256;
        if (promotion is null)
        {
            return Verdict.Fail(
                $"no promotion of {model.Id} to {facts.Facts.Request.TargetStage} exists, so no artifact has been approved",
                [model.Entry]);
        }

        var evidence = new[] { model.Entry, promotion.Entry };
        if (!Same(promotion.ArtifactSha256, model.ArtifactSha256))
        {
            return Verdict.Fail(
                $"promotion {promotion.Id} was requested for artifact sha256 {promotion.ArtifactSha256}, but {model.Id}'s artifact is {model.ArtifactSha256}",
                evidence);
        }

        if (deploying is null)
        {
            return Verdict.Pass($"{model.Id}'s artifact sha256 {model.ArtifactSha256} is the one promotion {promotion.Id} is for", evidence);
        }

        return Same(deploying, promotion.ArtifactSha256)
            ? Verdict.Pass($"the deployed artifact sha256 {deploying} equals the approved one", evidence)
            : Verdict.Fail($"the deployed artifact sha256 {deploying} differs from the approved artifact sha256 {promotion.ArtifactSha256}", evidence);
    }

    private static bool Same(string a, string b) => Sha256Digests.AreEqual(a, b);

    private static bool IsSha256(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);
}
