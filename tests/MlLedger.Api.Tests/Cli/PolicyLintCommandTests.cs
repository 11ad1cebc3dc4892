using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlLedger.Api.Tests.Cli;

/// <summary><c>mlledger policy lint</c>: every problem with the position to open, and exit codes CI can branch on.</summary>
public sealed partial class PolicyLintCommandTests : IDisposable
{
    /// <summary>A policy whose only rule has an unknown kind: line 9, column 11.</summary>
    private const string BrokenPolicy = """
        apiVersion: mlledger.dev/v1
        kind: Policy
        id: broken
        version: "1"
        appliesTo:
          stages: [staging]
        rules:
          - id: one
            kind: aproovals
        """;

    private readonly PolicyWorkspace _policies = new();

    public void Dispose() => _policies.Dispose();

    [Fact]
    public async Task Lint_of_the_shipped_policies_finds_no_problems_and_exits_0()
    {
        var result = await CliRunner.Run("policy", "lint", _policies.Directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["5 files checked: no problems"], result.OutputLines);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Lint_prints_a_broken_policy_problem_as_file_line_column_message_and_exits_1()
    {
        _policies.Write("broken.yaml", BrokenPolicy);

        var result = await CliRunner.Run("policy", "lint", _policies.Directory);

        Assert.True(result.ExitCode == 1, result.ToString());
        var problems = result.OutputLines.SkipLast(1).ToList();
        var problem = Assert.Single(problems);
        Assert.StartsWith($"{_policies.PathOf("broken.yaml")}:9:11: unknown rule kind 'aproovals'", problem, StringComparison.Ordinal);
        Assert.Equal("6 files checked: 1 problem in 1 file(s)", result.OutputLines[^1]);
    }

    [Fact]
    public async Task Lint_reports_every_problem_of_every_file_each_on_its_own_positioned_line()
    {
        _policies.Write("broken.yaml", BrokenPolicy.Replace("version: \"1\"", "version: \"1\"\nowner: nobody", StringComparison.Ordinal));
        _policies.Write("bad.test.yaml", "cases:\n  - name: maybe\n    expect: { allowed: maybe }\n");

        var result = await CliRunner.Run("policy", "lint", _policies.Directory);

        Assert.True(result.ExitCode == 1, result.ToString());
        var problems = result.OutputLines.SkipLast(1).ToList();
        Assert.All(problems, line => Assert.Matches(PositionedProblem(), line));
        Assert.Contains(problems, l => l.StartsWith($"{_policies.PathOf("broken.yaml")}:10:11: unknown rule kind", StringComparison.Ordinal));
        Assert.Contains(problems, l => l.StartsWith($"{_policies.PathOf("broken.yaml")}:5:1: ", StringComparison.Ordinal) && l.Contains("owner", StringComparison.Ordinal));
        Assert.Contains(problems, l => l.StartsWith($"{_policies.PathOf("bad.test.yaml")}:3:24: 'allowed' must be true or false", StringComparison.Ordinal));
        Assert.EndsWith($"{problems.Count} problems in 2 file(s)", result.OutputLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_of_a_directory_reports_a_policy_id_used_by_two_files()
    {
        _policies.Write("staging-copy.yaml", _policies.Read("staging.yaml"));

        var result = await CliRunner.Run("policy", "lint", _policies.Directory);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"{_policies.PathOf("staging.yaml")}:1:1: policy id 'staging' is also used by staging-copy.yaml.", result.OutputLines);
    }

    [Fact]
    public async Task Lint_of_a_single_file_checks_that_file_alone_and_names_it_as_given()
    {
        var soak = Path.Combine(_policies.Directory, "examples", "staging-soak.yaml");
        var broken = _policies.Write("broken.yaml", BrokenPolicy);

        var clean = await CliRunner.Run("policy", "lint", soak);
        var dirty = await CliRunner.Run("policy", "lint", broken);

        // as a directory, examples/ would fail the set checks (it has no EnvironmentStages document); the file alone is fine
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Equal(["1 file checked: no problems"], clean.OutputLines);
        Assert.True(dirty.ExitCode == 1, dirty.ToString());
        Assert.StartsWith($"{broken}:9:11: unknown rule kind", dirty.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_of_a_directory_without_an_environment_mapping_reports_it()
    {
        var result = await CliRunner.Run("policy", "lint", Path.Combine(_policies.Directory, "examples"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("no EnvironmentStages document", result.OutputLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_of_a_path_that_does_not_exist_exits_2_and_names_it()
    {
        var missing = _policies.PathOf("no-such-dir");

        var result = await CliRunner.Run("policy", "lint", _policies.Directory, missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{missing}: no such file or directory", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Lint_of_a_file_that_cannot_be_read_exits_2_not_1()
    {
        var gone = _policies.PathOf("gone.yaml");
        File.CreateSymbolicLink(gone, _policies.PathOf("nowhere.yaml"));

        var result = await CliRunner.Run("policy", "lint", _policies.Directory);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("gone.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_with_json_output_lists_each_problem_with_file_line_column_and_message()
    {
        _policies.Write("broken.yaml", BrokenPolicy);

        var result = await CliRunner.Run("policy", "lint", _policies.Directory, "--output", "json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var problem = Assert.Single(json.RootElement.GetProperty("problems").EnumerateArray().ToList());
        Assert.Equal(_policies.PathOf("broken.yaml"), problem.GetProperty("file").GetString());
        Assert.Equal(9, problem.GetProperty("line").GetInt32());
        Assert.Equal(11, problem.GetProperty("column").GetInt32());
        Assert.StartsWith("unknown rule kind 'aproovals'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_with_json_output_of_the_shipped_policies_is_valid()
    {
        var result = await CliRunner.Run("policy", "lint", _policies.Directory, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Empty(json.RootElement.GetProperty("problems").EnumerateArray());
    }

    [GeneratedRegex(@"^.+:\d+:\d+: \S")]
    private static partial Regex PositionedProblem();
}
