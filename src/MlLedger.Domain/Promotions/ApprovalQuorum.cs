namespace MlLedger.Domain.Promotions;

/// <summary>
/// How many distinct people (never the requester) must approve a promotion to each stage.
/// A configurable default until the policy engine's quorum rules replace it.
/// </summary>
public sealed record ApprovalQuorum(IReadOnlyDictionary<Stage, int> RequiredByStage)
{
    public IReadOnlyDictionary<Stage, int> RequiredByStage { get; } = Validated(RequiredByStage);

    private static Dictionary<Stage, int> Validated(IReadOnlyDictionary<Stage, int> requiredByStage)
    {
        ArgumentNullException.ThrowIfNull(requiredByStage);
        foreach (var stage in (Stage[])[Stage.Staging, Stage.Production])
        {
            if (!requiredByStage.ContainsKey(stage))
            {
                throw new ArgumentException($"The quorum for stage '{StageNames.Of(stage)}' is missing.", nameof(requiredByStage));
            }
        }

        foreach (var (stage, count) in requiredByStage)
        {
            if (count < 1)
            {
                throw new ArgumentException(
                    $"The quorum for stage '{stage}' is {count}; every promotion needs at least one approval.",
                    nameof(requiredByStage));
            }
        }

        return new Dictionary<Stage, int>(requiredByStage);
    }

    public static ApprovalQuorum Default { get; } = new(new Dictionary<Stage, int>
    {
        [Stage.Staging] = 1,
        [Stage.Production] = 2,
    });

    public int For(Stage stage) =>
        RequiredByStage.TryGetValue(stage, out var count)
            ? count
            : throw new ArgumentOutOfRangeException(nameof(stage), stage, "No quorum is defined for this stage.");

    public bool Equals(ApprovalQuorum? other) =>
        other is not null
        && RequiredByStage.Count == other.RequiredByStage.Count
        && RequiredByStage.All(kv => other.RequiredByStage.TryGetValue(kv.Key, out var count) && count == kv.Value);

    public override int GetHashCode() =>
        RequiredByStage.OrderBy(kv => kv.Key).Aggregate(0, (hash, kv) => HashCode.Combine(hash, kv.Key, kv.Value));
}
