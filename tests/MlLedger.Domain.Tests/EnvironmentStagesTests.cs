using MlLedger.Domain.Deployments;

namespace MlLedger.Domain.Tests;

public sealed class EnvironmentStagesTests
{
    private static readonly EnvironmentStageRule[] Usual =
    [
        new("prod*", Stage.Production),
        new("staging*", Stage.Staging),
        new("dev*", Stage.None),
        new("test*", Stage.None),
    ];

    private static readonly EnvironmentStages Rules = new(Usual);

    [Theory]
    [InlineData("prod", Stage.Production)]
    [InlineData("prod-eu", Stage.Production)]
    [InlineData("Prod-EU", Stage.Production)]
    [InlineData("staging", Stage.Staging)]
    [InlineData("staging-us", Stage.Staging)]
    [InlineData("dev", Stage.None)]
    [InlineData("dev-laptop", Stage.None)]
    [InlineData("test-42", Stage.None)]
    public void Given_the_usual_rules_When_matching_a_known_environment_Then_its_stage_is_required(string environment, Stage expected) =>
        Assert.Equal(expected, Rules.RequiredStageFor(environment));

    [Theory]
    [InlineData("qa")]
    [InlineData("eu-prod")]
    [InlineData("")]
    public void Given_the_usual_rules_When_matching_an_unknown_environment_Then_null(string environment) =>
        Assert.Null(Rules.RequiredStageFor(environment));

    [Fact]
    public void Given_overlapping_rules_When_matching_Then_the_first_match_wins()
    {
        var rules = new EnvironmentStages(
        [
            new EnvironmentStageRule("prod-canary", Stage.Staging),
            new EnvironmentStageRule("prod*", Stage.Production),
        ]);

        Assert.Equal(Stage.Staging, rules.RequiredStageFor("prod-canary"));
        Assert.Equal(Stage.Production, rules.RequiredStageFor("prod-canary-2"));
    }

    [Fact]
    public void Given_an_exact_pattern_When_matching_a_longer_name_Then_no_match()
    {
        var rules = new EnvironmentStages([new EnvironmentStageRule("prod", Stage.Production)]);

        Assert.Equal(Stage.Production, rules.RequiredStageFor("prod"));
        Assert.Null(rules.RequiredStageFor("prod-eu"));
    }

    [Fact]
    public void Given_a_lone_star_pattern_When_matching_anything_Then_it_matches()
    {
        var rules = new EnvironmentStages([new EnvironmentStageRule("prod*", Stage.Production), new EnvironmentStageRule("*", Stage.Staging)]);

        Assert.Equal(Stage.Staging, rules.RequiredStageFor("qa"));
        Assert.Equal(Stage.Production, rules.RequiredStageFor("PROD-us"));
    }

    [Fact]
    public void Given_no_rules_When_matching_Then_every_environment_is_unknown() =>
        Assert.Null(new EnvironmentStages([]).RequiredStageFor("prod"));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("pr*d")]
    [InlineData("*prod")]
    [InlineData("prod**")]
    public void Given_an_invalid_pattern_When_building_rules_Then_argument_exception(string pattern) =>
        Assert.Throws<ArgumentException>(() => new EnvironmentStages([new EnvironmentStageRule(pattern, Stage.None)]));

    [Fact]
    public void Given_an_undefined_stage_When_building_rules_Then_argument_exception() =>
        Assert.Throws<ArgumentException>(() => new EnvironmentStages([new EnvironmentStageRule("prod*", (Stage)7)]));

    [Fact]
    public void Given_the_usual_rules_When_listing_Then_they_keep_their_order() =>
        Assert.Equal(["prod*", "staging*", "dev*", "test*"], Rules.Rules.Select(r => r.Pattern));

    [Fact]
    public void Given_rules_built_from_a_list_When_the_list_changes_afterwards_Then_the_rules_do_not()
    {
        var source = new List<EnvironmentStageRule>(Usual);
        var rules = new EnvironmentStages(source);

        source.Insert(0, new EnvironmentStageRule("*", Stage.Production));

        Assert.Equal(Stage.None, rules.RequiredStageFor("dev-laptop"));
        Assert.Equal(4, rules.Rules.Count);
    }

    [Fact]
    public void Given_a_null_environment_When_matching_Then_argument_null_exception() =>
        Assert.Throws<ArgumentNullException>(() => Rules.RequiredStageFor(null!));
}
