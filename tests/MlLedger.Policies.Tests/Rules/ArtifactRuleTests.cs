using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class ArtifactRuleTests
{
    private const string ApprovedArtifact = """
          - id: approved-artifact
            kind: artifact
        """;

    private static PolicyFacts Deploying(string sha) => Facts.Deployment(sha: sha);

    [Theory]
    [InlineData("")]
    [InlineData("3f5a0c6e")]
    [InlineData("zz5a0c6e1b2d4f7a9c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a")]
    [InlineData("3f5a0c6e1b2d4f7a9c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a0")]
    public void Given_a_model_version_without_a_valid_artifact_digest_When_evaluated_Then_fails(string sha)
    {
        var result = Sets.Rule(ApprovedArtifact, Facts.Production().WithModel(m => m with { ArtifactSha256 = sha }));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 has no artifact sha256", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_no_promotion_When_evaluated_Then_fails_since_nothing_was_approved()
    {
        var result = Sets.Rule(ApprovedArtifact, Facts.Production() with { Promotion = null });

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("no promotion of churn@7 to production exists, so no artifact has been approved", result.Reason);
    }

    [Fact]
    public void Given_a_promotion_requested_for_other_bytes_When_evaluated_Then_fails_naming_both_digests()
    {
        var facts = Facts.Production() with { Promotion = Facts.Production().Promotion! with { ArtifactSha256 = Facts.OtherSha } };

        var result = Sets.Rule(ApprovedArtifact, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal($"promotion p-2 was requested for artifact sha256 {Facts.OtherSha}, but churn@7's artifact is {Facts.Sha}", result.Reason);
        Assert.Equal([Facts.ModelEntry, Facts.PromotionEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_promotion_without_a_deployed_digest_When_the_digests_agree_Then_passes()
    {
        var result = Sets.Rule(ApprovedArtifact, Facts.Production());

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal($"churn@7's artifact sha256 {Facts.Sha} is the one promotion p-2 is for", result.Reason);
        Assert.Equal([Facts.ModelEntry, Facts.PromotionEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_deployment_of_the_approved_digest_When_evaluated_Then_passes()
    {
        var result = Sets.Rule(ApprovedArtifact, Deploying(Facts.Sha));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal($"the deployed artifact sha256 {Facts.Sha} equals the approved one", result.Reason);
    }

    [Fact]
    public void Given_a_deployment_of_other_bytes_When_evaluated_Then_fails_naming_both_digests()
    {
        var result = Sets.Rule(ApprovedArtifact, Deploying(Facts.OtherSha));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal($"the deployed artifact sha256 {Facts.OtherSha} differs from the approved artifact sha256 {Facts.Sha}", result.Reason);
        Assert.Equal([Facts.ModelEntry, Facts.PromotionEntry], result.Evidence);
    }

    [Fact]
    public void Given_a_check_by_environment_naming_other_bytes_When_evaluated_Then_the_artifact_rule_compares_them_too()
    {
        var facts = Facts.Deployment(sha: Facts.OtherSha).WithRequest(r => r with { Kind = PolicyRequestKinds.Check });

        var result = Sets.Rule(ApprovedArtifact, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal($"the deployed artifact sha256 {Facts.OtherSha} differs from the approved artifact sha256 {Facts.Sha}", result.Reason);
    }

    [Fact]
    public void Given_digests_that_differ_only_in_hex_case_When_evaluated_Then_they_are_the_same_bytes()
    {
        var upper = Facts.Sha.ToUpperInvariant();
        var facts = Deploying(upper).WithModel(m => m with { ArtifactSha256 = upper });

        var result = Sets.Rule(ApprovedArtifact, facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }
}
