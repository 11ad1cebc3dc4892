using MlLedger.Domain.Policies;
using MlLedger.Policies.Rules;

namespace MlLedger.Policies.Evaluating;

/// <summary>Pure evaluation: a policy set and the facts in, a decision with a reason for every rule out.</summary>
public static class PolicyEngine
{
    /// <summary>
    /// For deployments and checks by environment, the ledger's own deployment rules come first (policy "ledger").
    /// Every rule of every policy that applies is evaluated (none is skipped after a failure, so the decision
    /// explains everything that stands in the way). Allowed only when no rule failed and, for a target stage above
    /// "none", at least one policy applied: a stage nobody wrote a policy for is closed, not open.
    /// </summary>
    public static PolicyDecision Evaluate(PolicySet policySet, PolicyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(policySet);
        ArgumentNullException.ThrowIfNull(facts);
        var index = new FactIndex(facts);
        var applied = new List<AppliedPolicy>();
        var results = new List<RuleResult>();
        if (LedgerRules.Apply(facts))
        {
            results.AddRange(LedgerRules.Evaluate(facts));
        }

        foreach (var policy in policySet.Policies.Where(p => p.AppliesTo.Matches(facts)))
        {
            applied.Add(new AppliedPolicy(policy.Id, policy.Version));
            foreach (var rule in policy.Rules)
            {
                var verdict = rule.Evaluate(index);
                results.Add(new RuleResult(policy.Id, rule.Id, rule.Kind, verdict.Outcome, verdict.Reason, verdict.Evidence));
            }
        }

        var target = facts.Request.TargetStage;
        var uncovered = applied.Count == 0 && target != "none";
        var failures = results.Where(r => r.Outcome == RuleOutcomes.Failed).ToList();
        var allowed = !uncovered && failures.Count == 0;
        var summary = uncovered
            ? $"denied: no policy applies to {facts.ModelVersion.Id} for stage {target}"
            : allowed
                ? applied.Count == 0
                    ? $"allowed: stage {target} needs no policy"
                    : $"allowed: {results.Count(r => r.Outcome == RuleOutcomes.Passed && r.Policy != LedgerRules.Policy)} rule(s) of {string.Join(", ", applied.Select(p => $"{p.Id} v{p.Version}"))} passed"
                : $"denied: {string.Join("; ", failures.Select(f => $"{f.Policy}/{f.Rule}: {f.Reason}"))}";
        return new PolicyDecision(allowed, policySet.Digest, facts.ModelVersion.Id, target, applied, results, summary);
    }
}
