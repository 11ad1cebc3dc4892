namespace MlLedger.Domain.Policies;

/// <summary>What one rule concluded: <see cref="Passed"/>, <see cref="Failed"/> or <see cref="NotApplicable"/>.</summary>
public static class RuleOutcomes
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string NotApplicable = "not-applicable";
}

/// <summary>A ledger entry a rule relied on, named by its stream and its version in that stream.</summary>
public sealed record EntryRef(string Stream, long Version);

/// <summary>One rule's result, with its reason in plain words and the entries it relied on.</summary>
public sealed record RuleResult(
    string Policy,
    string Rule,
    string Kind,
    string Outcome,
    string Reason,
    IReadOnlyList<EntryRef> Evidence);

/// <summary>A policy document that applied to the request, by id and version.</summary>
public sealed record AppliedPolicy(string Id, string Version);

/// <summary>
/// The answer to "may this model version go to this stage": <see cref="Allowed"/> only when at least one policy
/// applies (for any stage above none) and no rule failed. <see cref="Rules"/> lists every rule of every
/// applicable policy.
/// </summary>
public sealed record PolicyDecision(
    bool Allowed,
    string PolicySetDigest,
    string ModelVersionId,
    string TargetStage,
    IReadOnlyList<AppliedPolicy> Policies,
    IReadOnlyList<RuleResult> Rules,
    string Summary)
{
    public IEnumerable<RuleResult> Failures => Rules.Where(r => r.Outcome == RuleOutcomes.Failed);
}
