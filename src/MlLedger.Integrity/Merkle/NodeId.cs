namespace MlLedger.Integrity.Merkle;

/// <summary>
/// A complete, aligned subtree: it covers the leaves [Index &lt;&lt; Level, (Index + 1) &lt;&lt; Level).
/// Level 0 is one leaf, whose hash is the leaf hash.
/// </summary>
public readonly record struct NodeId
{
    /// <summary>The highest level a node may have: its leaves must still be countable in a <see cref="long"/>.</summary>
    public const int MaxLevel = 62;

    public NodeId(int level, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, (long.MaxValue >> level) - 1);
        Level = level;
        Index = index;
    }

    public int Level { get; }

    public long Index { get; }

    /// <summary>The first leaf the node covers.</summary>
    public long Start => Index << Level;

    /// <summary>One past the last leaf the node covers.</summary>
    public long End => (Index + 1) << Level;

    public override string ToString() => $"NodeId(level {Level}, index {Index}, leaves [{Start}, {End}))";
}
