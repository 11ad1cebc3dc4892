using MlLedger.Domain.Policies;
using MlLedger.Policies.Rules;

namespace MlLedger.Policies.Documents;

/// <summary>
/// Which requests a policy applies to: a target stage in <see cref="Stages"/>, a model name matching one of
/// <see cref="Models"/> (globs), and, when <see cref="RiskTiers"/> is given, a model version registered with one
/// of those tiers. A version registered without a tier gets every tier-scoped policy too: leaving the tier out
/// never escapes a stricter policy.
/// </summary>
public sealed record AppliesTo(IReadOnlyList<string> Stages, IReadOnlyList<string> Models, IReadOnlyList<string>? RiskTiers)
{
    public bool Matches(PolicyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Stages.Contains(facts.Request.TargetStage, StringComparer.Ordinal)
               && Models.Any(pattern => Glob.Matches(pattern, facts.ModelVersion.Model))
               && (RiskTiers is null || facts.ModelVersion.RiskTier is not { } tier || RiskTiers.Contains(tier, StringComparer.Ordinal));
    }
}

/// <summary>One policy document: an id and version, what it applies to, and its rules in order.</summary>
public sealed record Policy(string File, string Id, string Version, string? Description, AppliesTo AppliesTo, IReadOnlyList<PolicyRule> Rules);
