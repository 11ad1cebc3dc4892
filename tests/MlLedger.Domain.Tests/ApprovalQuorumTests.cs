using MlLedger.Domain.Promotions;

namespace MlLedger.Domain.Tests;

public sealed class ApprovalQuorumTests
{
    [Fact]
    public void Given_default_quorum_When_asking_per_stage_Then_staging_needs_one_and_production_two()
    {
        Assert.Equal(1, ApprovalQuorum.Default.For(Stage.Staging));
        Assert.Equal(2, ApprovalQuorum.Default.For(Stage.Production));
    }

    [Fact]
    public void Given_default_quorum_When_asking_for_stage_none_Then_argument_out_of_range() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ApprovalQuorum.Default.For(Stage.None));

    [Fact]
    public void Given_custom_counts_When_asking_per_stage_Then_they_are_used()
    {
        var quorum = new ApprovalQuorum(new Dictionary<Stage, int> { [Stage.Staging] = 2, [Stage.Production] = 4 });

        Assert.Equal((2, 4), (quorum.For(Stage.Staging), quorum.For(Stage.Production)));
    }

    [Theory]
    [InlineData(Stage.Staging)]
    [InlineData(Stage.Production)]
    public void Given_a_missing_stage_When_building_a_quorum_Then_argument_exception(Stage missing)
    {
        var counts = new Dictionary<Stage, int> { [Stage.Staging] = 1, [Stage.Production] = 2 };
        counts.Remove(missing);

        Assert.Throws<ArgumentException>(() => new ApprovalQuorum(counts));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Given_a_count_below_one_When_building_a_quorum_Then_argument_exception(int count) =>
        Assert.Throws<ArgumentException>(() => new ApprovalQuorum(new Dictionary<Stage, int> { [Stage.Staging] = 1, [Stage.Production] = count }));

    [Fact]
    public void Given_the_source_dictionary_changes_When_asking_Then_the_quorum_keeps_its_counts()
    {
        var counts = new Dictionary<Stage, int> { [Stage.Staging] = 1, [Stage.Production] = 2 };
        var quorum = new ApprovalQuorum(counts);

        counts[Stage.Production] = 0;

        Assert.Equal(2, quorum.For(Stage.Production));
    }

    [Fact]
    public void Given_two_quorums_with_the_same_counts_When_comparing_Then_equal()
    {
        var same = new ApprovalQuorum(new Dictionary<Stage, int> { [Stage.Production] = 2, [Stage.Staging] = 1 });
        var other = new ApprovalQuorum(new Dictionary<Stage, int> { [Stage.Production] = 3, [Stage.Staging] = 1 });

        Assert.Equal(ApprovalQuorum.Default, same);
        Assert.Equal(ApprovalQuorum.Default.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(ApprovalQuorum.Default, other);
    }
}
