using MlLedger.Domain;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// What the ledger itself requires of a deployment, listed in decisions under the policy name "ledger" so that a
/// pipeline's check by environment answers exactly what the deployment would: the version is not retired, it has
/// reached the stage the environment requires, and the digest about to be deployed is the registered one. They
/// apply to deployments and to checks that name an environment; no policy file can turn them off.
/// </summary>
internal static class LedgerRules
{
    public const string Policy = "ledger";

    public static bool Apply(PolicyFacts facts) =>
        facts.Request.Kind == PolicyRequestKinds.Deployment || (facts.Request.Kind == PolicyRequestKinds.Check && facts.Request.Environment is not null);

    public static IEnumerable<RuleResult> Evaluate(PolicyFacts facts)
    {
        var model = facts.ModelVersion;
        var request = facts.Request;
        EntryRef[] evidence = model.Entry is { } entry ? [entry] : [];
        yield return model.Retired
            ? Result("not-retired", RuleOutcomes.Failed, $"{model.Id} is retired", evidence)
            : Result("not-retired", RuleOutcomes.Passed, $"{model.Id} is not retired", evidence);

        // an unknown stage name on either side is never "reached"
        var reason = $"{model.Id} is in stage '{model.Stage}'; environment '{request.Environment}' requires '{request.TargetStage}'";
        yield return StageNames.TryParse(model.Stage, out var have) && StageNames.TryParse(request.TargetStage, out var need) && have >= need
            ? Result("stage-reached", RuleOutcomes.Passed, reason, evidence)
            : Result("stage-reached", RuleOutcomes.Failed, reason, evidence);

        yield return request.ArtifactSha256 switch
        {
            null => Result("registered-artifact", RuleOutcomes.NotApplicable,
                "no artifact digest was given; a deployment must name the digest it deploys, which is then compared", []),
            var digest when Sha256Digests.AreEqual(digest, model.ArtifactSha256) =>
                Result("registered-artifact", RuleOutcomes.Passed, $"the artifact sha256 {digest} is {model.Id}'s registered artifact", evidence),
            var digest => Result("registered-artifact", RuleOutcomes.Failed,
                $"the artifact sha256 {digest} differs from {model.Id}'s registered artifact sha256 {model.ArtifactSha256}", evidence),
        };
    }

    private static RuleResult Result(string rule, string outcome, string reason, IReadOnlyList<EntryRef> evidence) =>
        new(Policy, rule, Policy, outcome, reason, evidence);
}
