using System.Text.Json;
using MlLedger.Policies.Testing;

namespace MlLedger.Api.Tests.Cli;

/// <summary><c>mlledger policy test</c>: runs the example cases beside the policies, like <c>opa test</c>.</summary>
public sealed class PolicyTestCommandTests : IDisposable
{
    private const string OneApproverCase = "one approver other than the requester is enough";

    private readonly PolicyWorkspace _policies = new();

    public void Dispose() => _policies.Dispose();

    /// <summary>The names of every example case in the workspace, read straight from the files.</summary>
    private List<string> CaseNames() =>
    [
        .. PolicyCases.Files(_policies.Directory)
            .SelectMany(f => PolicyCases.Read(Path.GetFileName(f), File.ReadAllText(f)))
            .Select(c => c.Name),
    ];

    [Fact]
    public async Task Policy_test_on_the_shipped_policies_passes_every_case_and_exits_0()
    {
        var cases = CaseNames();

        var result = await CliRunner.Run("policy", "test", _policies.Directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(cases.Count >= 17, $"only {cases.Count} shipped cases were found");
        Assert.Equal($"{cases.Count} passed, 0 failed", result.OutputLines[^1]);
        Assert.Equal(cases.Count, result.OutputLines.Count(l => l.Contains(" PASS ", StringComparison.Ordinal)));
        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_with_json_output_reports_every_shipped_case_by_name_as_passed()
    {
        var cases = CaseNames();

        var result = await CliRunner.Run("policy", "test", _policies.Directory, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var reported = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(cases.Order(StringComparer.Ordinal), reported.Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(reported, c => Assert.True(c.GetProperty("passed").GetBoolean()));
        Assert.Equal(cases.Count, json.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("failed").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", json.RootElement.GetProperty("policySetDigest").GetString());
    }

    [Fact]
    public async Task Policy_test_names_a_case_whose_expectation_is_wrong_and_exits_1()
    {
        var cases = CaseNames();
        var text = _policies.Read("staging.test.yaml");
        var wrong = text.Replace("expect: { allowed: true, failed: [] }", "expect: { allowed: false }", StringComparison.Ordinal);
        Assert.NotEqual(text, wrong);
        _policies.Write("staging.test.yaml", wrong);

        var result = await CliRunner.Run("policy", "test", _policies.Directory);

        Assert.True(result.ExitCode == 1, result.ToString());
        var failure = Assert.Single(result.OutputLines, l => l.Contains("FAIL", StringComparison.Ordinal));
        Assert.Contains(OneApproverCase, failure, StringComparison.Ordinal);
        Assert.Contains("expected denied, got allowed", failure, StringComparison.Ordinal);
        Assert.Contains("staging.test.yaml:24", failure, StringComparison.Ordinal);
        Assert.Equal($"{cases.Count - 1} passed, 1 failed", result.OutputLines[^1]);
    }

    [Fact]
    public async Task Policy_test_names_the_rules_a_case_expected_to_fail_but_that_did_not()
    {
        var text = _policies.Read("production.test.yaml");
        var wrong = text.Replace("failed: [production/holdout-auc]", "failed: [production/training-data]", StringComparison.Ordinal);
        Assert.NotEqual(text, wrong);
        _policies.Write("production.test.yaml", wrong);

        var result = await CliRunner.Run("policy", "test", _policies.Directory, "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var failed = json.RootElement.GetProperty("cases").EnumerateArray().Where(c => !c.GetProperty("passed").GetBoolean()).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.Equal(
            "expected failing rules [production/training-data], got [production/holdout-auc]", c.GetProperty("mismatch").GetString()));
        Assert.Contains(failed, c => c.GetProperty("name").GetString() == "holdout AUC under 0.85 is denied");
    }

    [Fact]
    public async Task Policy_test_with_verbose_prints_every_rule_result_of_every_case()
    {
        var quiet = await CliRunner.Run("policy", "test", _policies.Directory);
        var verbose = await CliRunner.Run("policy", "test", _policies.Directory, "--verbose");

        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        const string Reason = "auc 0.81 < 0.85 on dataset churn-holdout@3";
        Assert.DoesNotContain(Reason, quiet.Output, StringComparison.Ordinal);
        Assert.Contains(Reason, verbose.Output, StringComparison.Ordinal);
        Assert.Contains("two-approvers-with-risk-officer", verbose.Output, StringComparison.Ordinal);
        Assert.Contains("one-approver", verbose.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_of_a_malformed_policy_set_prints_positioned_diagnostics_and_exits_2()
    {
        _policies.Write("staging.yaml", _policies.Read("staging.yaml").Replace("kind: approvals", "kind: aproovals", StringComparison.Ordinal));

        var result = await CliRunner.Run("policy", "test", _policies.Directory);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{_policies.PathOf("staging.yaml")}:12:11: unknown rule kind 'aproovals'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_of_a_malformed_case_file_prints_positioned_diagnostics_and_exits_2()
    {
        _policies.Write("bad.test.yaml", "cases:\n  - name: maybe\n    expect: { allowed: maybe }\n");

        var result = await CliRunner.Run("policy", "test", _policies.Directory);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{_policies.PathOf("bad.test.yaml")}:3:24: 'allowed' must be true or false", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_test_of_a_directory_that_does_not_exist_exits_2()
    {
        var missing = _policies.PathOf("no-such-dir");

        var result = await CliRunner.Run("policy", "test", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{missing}: no such directory", result.Error, StringComparison.Ordinal);
    }
}
