using MlLedger.Domain;
using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// One compiled rule of a policy. <see cref="Evaluate"/> is pure: the same facts always give the same result,
/// with a reason in plain words and the ledger entries relied on.
/// </summary>
public abstract class PolicyRule(string id, string kind, string? description)
{
    public string Id { get; } = id;

    public string Kind { get; } = kind;

    public string? Description { get; } = description;

    internal abstract Verdict Evaluate(FactIndex facts);
}

/// <summary>A rule's conclusion before it is labelled with its policy and rule id.</summary>
internal sealed record Verdict(string Outcome, string Reason, IReadOnlyList<EntryRef> Evidence)
{
    public static Verdict Pass(string reason, IEnumerable<EntryRef?> evidence) =>
        new(RuleOutcomes.Passed, reason, Refs(evidence));

    public static Verdict Fail(string reason, IEnumerable<EntryRef?> evidence) =>
        new(RuleOutcomes.Failed, reason, Refs(evidence));

    public static Verdict NotApplicable(string reason) => new(RuleOutcomes.NotApplicable, reason, []);

    private static EntryRef[] Refs(IEnumerable<EntryRef?> evidence) => [.. evidence.OfType<EntryRef>().Distinct()];
}

/// <summary>The facts of one decision with the lookups the rules share.</summary>
internal sealed class FactIndex
{
    private readonly Dictionary<string, DatasetFact> _datasets;

    public FactIndex(PolicyFacts facts)
    {
        Facts = facts;
        _datasets = new Dictionary<string, DatasetFact>(StringComparer.Ordinal);
        foreach (var dataset in facts.Datasets)
        {
            _datasets.TryAdd(dataset.Id, dataset);
        }
    }

    private IDictionary<string, object?>? _input;

    public PolicyFacts Facts { get; }

    /// <summary>The expression rules' input document, built once per decision.</summary>
    public IDictionary<string, object?> Input => _input ??= CelInput.Of(Facts);

    public DatasetFact? Dataset(string id) => _datasets.GetValueOrDefault(id);

    /// <summary>
    /// The approvals that count: one per distinct person, never the requester, and only for the artifact
    /// the promotion was requested with (an approval of other bytes is no approval of these).
    /// </summary>
    public IReadOnlyList<ApprovalFact> CountedApprovals()
    {
        var requester = Facts.Promotion?.RequestedBy ?? Facts.Request.Requester;
        var artifact = Facts.Promotion?.ArtifactSha256 ?? Facts.ModelVersion.ArtifactSha256;
        return
        [
            .. Facts.Approvals
                .Where(a => !string.Equals(a.Approver, requester, StringComparison.Ordinal))
                .Where(a => Sha256Digests.AreEqual(a.ArtifactSha256, artifact))
                .GroupBy(a => a.Approver, StringComparer.Ordinal)
                .Select(g => g.First()),
        ];
    }
}
