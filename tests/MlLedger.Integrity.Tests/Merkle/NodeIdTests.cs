using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Tests.Merkle;

public sealed class NodeIdTests
{
    [Theory]
    [InlineData(0, 5L, 5L, 6L)]
    [InlineData(3, 2L, 16L, 24L)]
    [InlineData(62, 0L, 0L, 1L << 62)]
    [InlineData(0, long.MaxValue - 1, long.MaxValue - 1, long.MaxValue)]
    public void Node_covers_index_shifted_by_level_up_to_the_next_index(int level, long index, long start, long end)
    {
        var node = new NodeId(level, index);

        Assert.Equal(start, node.Start);
        Assert.Equal(end, node.End);
        Assert.Equal(new NodeId(level, index), node);
    }

    [Theory]
    [InlineData(-1, 0L)]
    [InlineData(63, 0L)]
    [InlineData(0, -1L)]
    [InlineData(62, 1L)]
    [InlineData(0, long.MaxValue)]
    public void Node_whose_leaves_cannot_be_counted_in_a_long_is_refused(int level, long index) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeId(level, index));
}
