using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

public sealed class StageHistoryRuleTests
{
    private const string DayInStaging = """
          - id: day-in-staging
            kind: stage-history
            stage: staging
            atLeast: 24h
        """;

    private static PolicyFacts InStagingSince(DateTimeOffset at) =>
        Facts.Production().WithModel(m => m with { StageHistory = [new StageHistoryFact("staging", at, "p-1")] });

    [Fact]
    public void Given_a_version_never_in_staging_When_evaluated_Then_fails()
    {
        var facts = Facts.Production().WithModel(m => m with { StageHistory = [new StageHistoryFact("production", Facts.Now.AddDays(-5), "p-0")] });

        var result = Sets.Rule(DayInStaging, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 has never been in staging", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_23_hours_in_staging_When_24_are_required_Then_fails_with_both_durations()
    {
        var result = Sets.Rule(DayInStaging, InStagingSince(Facts.Now.AddHours(-23)));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 entered staging at 2026-03-01T13:00:00Z, 23h before this decision; 1d required", result.Reason);
    }

    [Fact]
    public void Given_25_hours_in_staging_When_24_are_required_Then_passes()
    {
        var result = Sets.Rule(DayInStaging, InStagingSince(Facts.Now.AddHours(-25)));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.Equal("churn@7 entered staging at 2026-03-01T11:00:00Z, 1d1h before this decision (at least 1d required)", result.Reason);
        Assert.Equal([Facts.ModelEntry], result.Evidence);
    }

    [Fact]
    public void Given_exactly_the_required_time_in_staging_When_evaluated_Then_passes()
    {
        var result = Sets.Rule(DayInStaging, InStagingSince(Facts.Now.AddHours(-24)));

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
    }

    [Fact]
    public void Given_one_second_short_When_evaluated_Then_fails()
    {
        var result = Sets.Rule(DayInStaging, InStagingSince(Facts.Now.AddHours(-24).AddSeconds(1)));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 entered staging at 2026-03-01T12:00:01Z, 23h59m59s before this decision; 1d required", result.Reason);
    }

    [Fact]
    public void Given_an_old_stage_entry_When_the_request_time_is_close_to_it_Then_the_request_time_is_what_counts()
    {
        // years have passed since, but the decision is measured at request.at, so a replay decides the same way
        var entered = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var facts = InStagingSince(entered).WithRequest(r => r with { At = entered.AddHours(12) });

        var result = Sets.Rule(DayInStaging, facts);

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 entered staging at 2020-01-01T00:00:00Z, 12h before this decision; 1d required", result.Reason);
    }

    [Fact]
    public void Given_a_stage_entry_after_the_request_time_When_evaluated_Then_fails_with_a_negative_duration()
    {
        var result = Sets.Rule(DayInStaging, InStagingSince(Facts.Now.AddHours(1)));

        Assert.Equal(RuleOutcomes.Failed, result.Outcome);
        Assert.Equal("churn@7 entered staging at 2026-03-02T13:00:00Z, -1h before this decision; 1d required", result.Reason);
    }

    [Fact]
    public void Given_a_version_that_entered_staging_twice_When_evaluated_Then_the_first_entry_counts()
    {
        var facts = Facts.Production().WithModel(m => m with
        {
            StageHistory =
            [
                new StageHistoryFact("staging", Facts.Now.AddHours(-30), "p-1"),
                new StageHistoryFact("none", Facts.Now.AddHours(-20), null),
                new StageHistoryFact("staging", Facts.Now.AddHours(-2), "p-3"),
            ],
        });

        var result = Sets.Rule(DayInStaging, facts);

        Assert.Equal(RuleOutcomes.Passed, result.Outcome);
        Assert.StartsWith("churn@7 entered staging at 2026-03-01T06:00:00Z, 1d6h before", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_requirement_in_days_hours_and_minutes_When_evaluated_Then_it_is_honoured_and_written_back_the_same_way()
    {
        const string rule = """
              - id: soak
                kind: stage-history
                stage: staging
                atLeast: 2d1h30m
            """;

        var shortBy = Sets.Rule(rule, InStagingSince(Facts.Now.AddHours(-49).AddMinutes(-29)));
        var enough = Sets.Rule(rule, InStagingSince(Facts.Now.AddHours(-49).AddMinutes(-30)));

        Assert.Equal(RuleOutcomes.Failed, shortBy.Outcome);
        Assert.EndsWith("2d1h29m before this decision; 2d1h30m required", shortBy.Reason, StringComparison.Ordinal);
        Assert.Equal(RuleOutcomes.Passed, enough.Outcome);
    }
}
