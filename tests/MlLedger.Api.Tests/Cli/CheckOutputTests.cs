using static MlLedger.Api.Tests.Cli.CheckCommandSamples;

namespace MlLedger.Api.Tests.Cli;

/// <summary>What <c>mlledger check</c> prints for a decision, as a table or as JSON, and the exit code it gives (0 allowed, 1 denied).</summary>
public sealed class CheckOutputTests
{
    private const string DeniedAnswer = $$"""
        {"id":"{{CheckId}}","allowed":false,"policySetDigest":"{{Digest}}",
         "decision":{"allowed":false,"policySetDigest":"{{Digest}}","modelVersionId":"churn@7","targetStage":"production",
           "policies":[{"id":"production","version":"1"}],
           "rules":[
             {"policy":"production","rule":"holdout-auc","kind":"evaluation","outcome":"failed","reason":"auc 0.81 < 0.85 on dataset churn-holdout@3","evidence":[]},
             {"policy":"production","rule":"two-approvers","kind":"approvals","outcome":"passed","reason":"2 distinct approvals","evidence":[]}],
           "summary":"denied: production/holdout-auc: auc 0.81 < 0.85 on dataset churn-holdout@3"},
         "entries":[{"seq":43,"hash":"a1b2"}]}
        """;

    [Fact]
    public async Task An_allowed_check_prints_the_rules_and_an_ALLOWED_verdict_and_exits_0()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OutputLines;
        Assert.Contains(rows, r => r.Contains("holdout-auc", StringComparison.Ordinal) && r.Contains("passed", StringComparison.Ordinal)
                                   && r.Contains("auc 0.91 >= 0.85 on dataset churn-holdout@3", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("approved-artifact", StringComparison.Ordinal) && r.Contains("not-applicable", StringComparison.Ordinal));
        Assert.Contains("ALLOWED allowed: 1 rule(s) of production v1 passed", rows);
        Assert.Contains($"policy set: {Digest}", rows);
        Assert.Contains($"check: {CheckId} (ledger entry seq 42)", rows);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task A_denied_check_prints_the_failing_rule_and_a_DENIED_verdict_and_exits_1()
    {
        await using var ledger = await FakeLedger.Answering(200, DeniedAnswer);

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.OutputLines, r => r.Contains("holdout-auc", StringComparison.Ordinal) && r.Contains("failed", StringComparison.Ordinal)
                                                 && r.Contains("auc 0.81 < 0.85", StringComparison.Ordinal));
        Assert.Contains("DENIED denied: production/holdout-auc: auc 0.81 < 0.85 on dataset churn-holdout@3", result.OutputLines);
        Assert.DoesNotContain("ALLOWED", result.Output, StringComparison.Ordinal);
        Assert.Contains($"check: {CheckId} (ledger entry seq 43)", result.OutputLines);
    }

    [Fact]
    public async Task Json_output_prints_the_ledgers_body_verbatim_and_still_exits_by_the_decision()
    {
        const string Body = """{ "allowed" : false,"id":"x",  "zeta": [1, 2.50], "policySetDigest":"d" }""";
        await using var ledger = await FakeLedger.Answering(200, Body);

        var result = await CliRunner.Run(Check(ledger, "--stage", "production", "--output", "json"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(Body + Environment.NewLine, result.Output);
    }
}
