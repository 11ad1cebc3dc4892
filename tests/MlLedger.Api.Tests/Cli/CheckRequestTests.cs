using static MlLedger.Api.Tests.Cli.CheckCommandSamples;

namespace MlLedger.Api.Tests.Cli;

/// <summary>What <c>mlledger check</c> sends to the ledger: the path, the headers and the body.</summary>
public sealed class CheckRequestTests
{
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
}
