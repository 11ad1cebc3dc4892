using System.Net;
using System.Net.Sockets;
using static MlLedger.Api.Tests.Cli.CheckCommandSamples;

namespace MlLedger.Api.Tests.Cli;

/// <summary>Answers of the ledger that are not a decision, and a ledger that cannot be reached: exit code 2 and a message.</summary>
public sealed class CheckRefusalTests
{
    [Theory]
    [InlineData(401, "the ledger refused the token (401): it is missing, expired or not valid")]
    [InlineData(403, "the token lacks role 'pipeline'")]
    [InlineData(404, "model version churn@7 is not registered in the ledger (404)")]
    [InlineData(409, "the ledger answered 409 Conflict: Refused by the ledger's rules: the ledger refuses this [some-rule]")]
    [InlineData(500, "the ledger answered 500 InternalServerError: Refused by the ledger's rules: the ledger refuses this [some-rule]")]
    [InlineData(503, "the ledger answered 503 ServiceUnavailable: Refused by the ledger's rules: the ledger refuses this [some-rule]")]
    public async Task A_refusal_exits_2_with_a_message_that_says_what_to_fix(int status, string message)
    {
        await using var ledger = await FakeLedger.Problem(status, "Refused by the ledger's rules", "the ledger refuses this", "some-rule");

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task A_401_without_a_body_still_says_the_token_is_missing_or_invalid()
    {
        await using var ledger = await FakeLedger.Answering(401, "");

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("refused the token (401)", result.Error, StringComparison.Ordinal);
        Assert.Contains("MLLEDGER_TOKEN", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_passes_on_the_ledgers_detail()
    {
        await using var ledger = await FakeLedger.Problem(404, "Not found", "Model version churn@7 was not found.", "not-found");

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("the ledger says: Model version churn@7 was not found.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_400_prints_the_problems_detail_and_every_field_error()
    {
        await using var ledger = await FakeLedger.Problem(400, "The request is invalid", "One or more fields are invalid.", "validation",
            ""","errors":{"version":["'version' must be 1-64 characters."],"targetStage":["'targetStage' must be staging or production.","second"]}""");

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "mlledger check: the ledger rejected the request (400): One or more fields are invalid.",
                "  version: 'version' must be 1-64 characters.",
                "  targetStage: 'targetStage' must be staging or production.",
                "  targetStage: second",
            ],
            lines);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_check_result_exits_2()
    {
        await using var ledger = await FakeLedger.Answering(200, "<html>proxy login</html>", "text/html");

        var result = await CliRunner.Run(Check(ledger, "--stage", "production"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not a policy check result", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_that_refuses_the_connection_exits_2()
    {
        var server = $"http://127.0.0.1:{UnusedPort()}";

        var result = await CliRunner.Run("check", "--model", "churn", "--version", "7", "--stage", "production", "--server", server, "--token", Token);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"could not reach the ledger at {server}", result.Error, StringComparison.Ordinal);
    }

    /// <summary>A port nothing listens on: bound, read and released.</summary>
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
