using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlLedger.Api.Tests.Cli;

/// <summary>
/// <c>mlledger check</c> against a fake ledger that answers fixed JSON: what it sends, what it prints, and the exit
/// codes a CI job branches on (0 allowed, 1 denied, 2 anything that is not a decision).
/// </summary>
public sealed class CheckCommandTests
{
    private const string Token = "ci-token";
    private const string Digest = "bd4537cd74d21dcbc5bd52cbb33072cff29048646c33a23158604b02348b5ccf";
    private const string CheckId = "0195b000-0000-7000-8000-000000000009";

    private const string AllowedAnswer = $$"""
        {"id":"{{CheckId}}","allowed":true,"policySetDigest":"{{Digest}}",
         "decision":{"allowed":true,"policySetDigest":"{{Digest}}","modelVersionId":"churn@7","targetStage":"production",
           "policies":[{"id":"production","version":"1"}],
           "rules":[
             {"policy":"production","rule":"holdout-auc","kind":"evaluation","outcome":"passed","reason":"auc 0.91 >= 0.85 on dataset churn-holdout@3","evidence":[{"stream":"evaluations/eval-1","version":1}]},
             {"policy":"production","rule":"approved-artifact","kind":"artifact","outcome":"not-applicable","reason":"no artifact to compare yet","evidence":[]}],
           "summary":"allowed: 1 rule(s) of production v1 passed"},
         "entries":[{"seq":42,"hash":"9f2c"}]}
        """;

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

    private static string[] Check(FakeLedger ledger, params string[] more) =>
        ["check", "--model", "churn", "--version", "7", "--server", ledger.Address.ToString(), "--token", Token, .. more];

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
    public async Task A_stage_check_posts_model_version_and_target_stage_with_the_bearer_token()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        await CliRunner.Run(Check(ledger, "--stage", "staging"));

        var request = Assert.Single(ledger.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/policy/check", request.Path);
        Assert.Equal($"Bearer {Token}", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("Idempotency-Key"));
        Assert.Equal("""{"model":"churn","version":"7","targetStage":"staging"}""", request.Body);
    }

    [Fact]
    public async Task An_environment_check_posts_the_environment_and_the_artifact_digest_instead_of_a_stage()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);
        var sha = new string('a', 64);

        var result = await CliRunner.Run(Check(ledger, "--environment", "prod-eu", "--artifact-sha256", sha));

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = Assert.Single(ledger.Received);
        Assert.Equal($$"""{"model":"churn","version":"7","environment":"prod-eu","artifactSha256":"{{sha}}"}""", request.Body);
    }

    [Fact]
    public async Task A_server_url_with_a_path_keeps_the_path_in_front_of_the_endpoint()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        await CliRunner.Run("check", "--model", "churn", "--version", "7", "--stage", "production", "--token", Token,
            "--server", new Uri(ledger.Address, "/ledger/").ToString());

        Assert.Equal("/ledger/v1/policy/check", Assert.Single(ledger.Received).Path);
    }

    [Fact]
    public async Task The_idempotency_key_is_sent_as_the_Idempotency_Key_header()
    {
        await using var ledger = await FakeLedger.Answering(200, AllowedAnswer);

        await CliRunner.Run(Check(ledger, "--stage", "production", "--idempotency-key", "build-1234-check"));

        Assert.Equal("build-1234-check", Assert.Single(ledger.Received).Headers["Idempotency-Key"]);
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
