using System.Net;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests;

/// <summary>Dev mode trusts only its local issuer, whose key `mlledger token` uses; its tokens are real JWTs.</summary>
[Collection(LedgerCollection.Name)]
public sealed class DevModeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync() =>
        _ledger = await LedgerApp.StartAsync(postgres, o => o with { DevMode = true, Jwt = new Auth.JwtSettings() });

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task A_token_from_the_token_command_is_accepted_and_one_from_another_issuer_is_not()
    {
        var cli = typeof(MlLedger.Cli.ExitCodes).Assembly.Location;
        var dataDirectory = Path.GetDirectoryName(_ledger.KeysDirectory)!;
        var minted = await Processes.Run("dotnet", cli, "token", "--sub", "alice", "--roles", "auditor", "--data-dir", dataDirectory);
        Assert.True(minted.ExitCode == 0, minted.Output);

        using var accepted = await _ledger.ClientWithToken(minted.Output.Trim()).GetAsync("/v1/keys");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var foreign = await _ledger.Client("alice", "auditor").GetAsync("/v1/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);

        using var reference = await _ledger.Anonymous().GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }

    [Fact]
    public async Task Dev_mode_combined_with_a_configured_issuer_refuses_to_start() =>
        await Assert.ThrowsAsync<Auth.AuthConfigurationException>(() => LedgerApp.StartAsync(postgres, o => o with { DevMode = true }));

    [Fact]
    public async Task The_token_command_refuses_without_a_dev_key()
    {
        var cli = typeof(MlLedger.Cli.ExitCodes).Assembly.Location;
        var empty = Directory.CreateTempSubdirectory("mlledger-nokey-").FullName;
        try
        {
            var result = await Processes.Run("dotnet", cli, "token", "--sub", "alice", "--roles", "auditor", "--data-dir", empty);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("no dev token key", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task The_dev_key_loaded_again_after_an_earlier_load_was_disposed_still_mints_accepted_tokens()
    {
        string first;
        using (var tokens = Auth.DevTokens.Load(_ledger.KeysDirectory))
        {
            first = tokens.Mint("alice", ["auditor"], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        }

        using var again = Auth.DevTokens.Load(_ledger.KeysDirectory);
        var second = again.Mint("bob", ["auditor"], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);

        foreach (var token in new[] { first, second })
        {
            using var answer = await _ledger.ClientWithToken(token).GetAsync("/v1/keys");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
    }
}
