using MlLedger.Domain.Policies;

namespace MlLedger.Policies.Rules;

/// <summary>
/// Quorum: at least <see cref="Count"/> distinct people other than the requester approved the requested artifact,
/// and, when roles are named, at least one of them holds any of <see cref="AnyOfRoles"/> and, for each of
/// <see cref="EachOfRoles"/>, at least one holds that role.
/// </summary>
public sealed class ApprovalsRule(string id, string? description, int count, IReadOnlyList<string> anyOfRoles, IReadOnlyList<string> eachOfRoles)
    : PolicyRule(id, RuleKinds.Approvals, description)
{
    public int Count { get; } = count;

    public IReadOnlyList<string> AnyOfRoles { get; } = anyOfRoles;

    public IReadOnlyList<string> EachOfRoles { get; } = eachOfRoles;

    internal override Verdict Evaluate(FactIndex facts)
    {
        var promotion = facts.Facts.Promotion;
        if (promotion is null)
        {
            return Verdict.Fail(
                $"no promotion of {facts.Facts.ModelVersion.Id} to {facts.Facts.Request.TargetStage} has been requested, so nobody has approved it",
                []);
        }

        var counted = facts.CountedApprovals();
        var evidence = counted.Select(a => a.Entry).Prepend(promotion.Entry).ToList();
        var failures = new List<string>();
        if (counted.Count < Count)
        {
            failures.Add($"{counted.Count} of {Count} required approvals from distinct people other than the requester {promotion.RequestedBy}");
        }

        if (AnyOfRoles.Count > 0 && !counted.Any(a => HoldsAny(a, AnyOfRoles)))
        {
            failures.Add($"no approver holds the role {string.Join(" or ", AnyOfRoles)}");
        }

        foreach (var role in EachOfRoles.Where(role => !counted.Any(a => HoldsAny(a, [role]))))
        {
            failures.Add($"no approver holds the role {role}");
        }

        if (failures.Count > 0)
        {
            return Verdict.Fail(string.Join("; ", failures), evidence);
        }

        var who = string.Join(", ", counted.Select(a => a.Roles.Count > 0 ? $"{a.Approver} ({string.Join(", ", a.Roles)})" : a.Approver));
        return Verdict.Pass($"{counted.Count} distinct approvals (required {Count}): {who}", evidence);
    }

    private static bool HoldsAny(ApprovalFact approval, IReadOnlyList<string> roles) =>
        approval.Roles.Any(r => roles.Contains(r, StringComparer.Ordinal));
}
