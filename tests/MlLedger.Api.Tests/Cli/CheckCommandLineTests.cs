using System.Diagnostics;
using static MlLedger.Api.Tests.Cli.CheckCommandSamples;

namespace MlLedger.Api.Tests.Cli;

/// <summary>The command line and environment of <c>mlledger check</c>: what it refuses before any request, and what it reads.</summary>
public sealed class CheckCommandLineTests
{
    [Fact]
    public async Task A_missing_token_exits_2_before_any_request()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        var result = await CliRunner.Run("check", "--model", "churn", "--version", "7", "--stage", "production",
            "--server", ledger.Address.ToString(), "--token", "");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("a token is required: --token or MLLEDGER_TOKEN", result.Error, StringComparison.Ordinal);
        Assert.Empty(ledger.Received);
    }

    [Theory]
    [InlineData("--stage", "production", "--environment", "prod-eu")]
    [InlineData("--artifact-sha256", "abc", "--output", "table")]
    public async Task Both_or_neither_of_stage_and_environment_exits_2_before_any_request(string o1, string v1, string o2, string v2)
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        var result = await CliRunner.Run(Check(ledger, o1, v1, o2, v2));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("give exactly one of --stage (a promotion check) and --environment (a deployment check)", result.Error, StringComparison.Ordinal);
        Assert.Empty(ledger.Received);
    }

    [Theory]
    [InlineData("--stage", "prod")]
    [InlineData("--stage", "production", "--output", "yaml")]
    [InlineData("--stage", "production", "--idempotency-key", "has space")]
    [InlineData("--stage", "production", "--artifact-sha256", "abc")]
    [InlineData("--stage", "production", "--no-such-option")]
    public async Task A_command_line_the_check_cannot_use_exits_2_before_any_request(params string[] more)
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        var result = await CliRunner.Run(Check(ledger, more));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.NotEmpty(result.Error);
        Assert.Empty(ledger.Received);
    }

    [Fact]
    public async Task A_check_without_a_model_exits_2_not_1()
    {
        var result = await CliRunner.Run("check", "--version", "7", "--stage", "production", "--token", Token);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--model", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_read_from_MLLEDGER_TOKEN_and_the_server_from_MLLEDGER_SERVER()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        var (exit, _, _) = await RunProgram(
            new() { ["MLLEDGER_TOKEN"] = "token-from-env", ["MLLEDGER_SERVER"] = ledger.Address.ToString() },
            "check", "--model", "churn", "--version", "7", "--stage", "production");

        Assert.Equal(0, exit);
        Assert.Equal("Bearer token-from-env", Assert.Single(ledger.Received).Headers["Authorization"]);
    }

    [Fact]
    public async Task Help_does_not_print_the_token_from_the_environment()
    {
        var (exit, output, _) = await RunProgram(new() { ["MLLEDGER_TOKEN"] = "s3cret-token-value" }, "check", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token-value", output, StringComparison.Ordinal);
    }

    /// <summary>The built CLI as a process of its own, so that its environment can be set.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunProgram(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(MlLedger.Cli.ExitCodes).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("MLLEDGER_TOKEN");
        start.Environment.Remove("MLLEDGER_SERVER");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the CLI");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
