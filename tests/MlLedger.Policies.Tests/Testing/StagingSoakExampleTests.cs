using MlLedger.Domain.Policies;
using MlLedger.Policies.Evaluating;
using MlLedger.Policies.Testing;

namespace MlLedger.Policies.Tests.Testing;

/// <summary>policies/examples/staging-soak.yaml, enabled by copying it next to the shipped policies.</summary>
public sealed class StagingSoakExampleTests : IDisposable
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "ShippedPolicies");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mlledger-soak-" + Guid.NewGuid().ToString("N"));

    public StagingSoakExampleTests()
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in Directory.EnumerateFiles(Shipped, "*.yaml"))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));
        }

        File.Copy(Path.Combine(Shipped, "examples", "staging-soak.yaml"), Path.Combine(_directory, "staging-soak.yaml"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The facts of the shipped production case that meets every rule, with one staging entry.</summary>
    private PolicyFacts InStagingFor(TimeSpan held)
    {
        var path = Path.Combine(_directory, "production.test.yaml");
        var facts = PolicyCases.Read("production.test.yaml", File.ReadAllText(path))
            .Single(c => c.Name == "a version that meets every rule is allowed").Facts;
        return facts with
        {
            ModelVersion = facts.ModelVersion with { StageHistory = [new StageHistoryFact("staging", facts.Request.At - held, "p-1")] },
        };
    }

    [Fact]
    public void Given_the_soak_example_copied_in_When_loaded_Then_it_joins_the_shipped_policies_and_changes_the_digest()
    {
        var set = PolicySet.Load(_directory);

        Assert.Equal(["production", "staging", "staging-soak"], set.Policies.Select(p => p.Id));
        Assert.NotEqual(PolicySet.Load(Shipped).Digest, set.Digest);
    }

    [Fact]
    public void Given_23_hours_in_staging_When_promoting_to_production_Then_denied_by_day_in_staging_only()
    {
        var decision = PolicyEngine.Evaluate(PolicySet.Load(_directory), InStagingFor(TimeSpan.FromHours(23)));

        Assert.False(decision.Allowed);
        var failure = Assert.Single(decision.Failures);
        Assert.Equal("staging-soak/day-in-staging", $"{failure.Policy}/{failure.Rule}");
        Assert.Equal("churn@7 entered staging at 2026-03-01T13:00:00Z, 23h before this decision; 1d required", failure.Reason);
    }

    [Fact]
    public void Given_25_hours_in_staging_When_promoting_to_production_Then_allowed_by_both_policies()
    {
        var decision = PolicyEngine.Evaluate(PolicySet.Load(_directory), InStagingFor(TimeSpan.FromHours(25)));

        Assert.True(decision.Allowed, decision.Summary);
        Assert.Equal(["production", "staging-soak"], decision.Policies.Select(p => p.Id));
        Assert.Contains(decision.Rules, r => r is { Policy: "staging-soak", Rule: "day-in-staging", Outcome: RuleOutcomes.Passed });
    }

    [Fact]
    public void Given_the_soak_example_enabled_When_the_shipped_example_cases_run_Then_they_all_still_pass()
    {
        var results = PolicyCases.RunDirectory(_directory);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Case.File}: {r.Case.Name}: {r.Mismatch}"));
    }
}
