using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// The ledger configured with <c>--jwt-authority</c> and <c>--jwt-authority-ca</c> against a real OpenID provider:
/// its tokens write, read, are refused by role, and pass <c>mlledger check</c>; readiness names its keys.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ProviderTokenTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OidcProvider _provider = null!;
    private LedgerApp _ledger = null!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync();
        _ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider));
        await AuthorityLedger.Readiness(_ledger, HttpStatusCode.OK, "Healthy");
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Given_a_pipeline_token_of_the_provider_When_it_registers_and_reads_Then_201_and_200()
    {
        var pipeline = _ledger.ClientWithToken(await _provider.ClientToken("ci-pipeline"));

        var created = await pipeline.Post("/v1/datasets", Dataset("idp-train", "1")).Expect(HttpStatusCode.Created);
        var read = await pipeline.GetAsync("/v1/datasets/idp-train@1").Expect(HttpStatusCode.OK);

        Assert.Equal("idp-train@1", created["id"]!.GetValue<string>());
        Assert.Equal("idp-train", read["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_an_approver_token_of_the_provider_When_it_registers_a_dataset_Then_403_and_nothing_stored()
    {
        var before = await _ledger.StoredEntries();

        await _ledger.ClientWithToken(await _provider.ClientToken("ci-approver")).Post("/v1/datasets", Dataset("idp-refused", "1"))
            .Expect(HttpStatusCode.Forbidden);

        Assert.Equal(before, await _ledger.StoredEntries());
    }

    [Fact]
    public async Task Given_a_token_of_the_provider_for_another_audience_When_sent_Then_401()
    {
        // the provider's signature, issuer and lifetime are right; only the audience is not this ledger
        var token = await _provider.ClientToken("ci-pipeline");
        await using var other = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider) with { Audience = "another-ledger" });
        await AuthorityLedger.Readiness(other, HttpStatusCode.OK, "Healthy");

        Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(other, token));
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(_ledger, token));
    }

    [Fact]
    public async Task Given_a_pipeline_token_of_the_provider_When_mlledger_check_runs_Then_the_policies_decide()
    {
        var token = await _provider.ClientToken("ci-pipeline");
        var pipeline = _ledger.ClientWithToken(token);
        await pipeline.Post("/v1/datasets", Dataset("idp-check", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/idp-churn/versions", ModelVersion("1", null, "idp-check@1")).Expect(HttpStatusCode.Created);

        var result = await CliRunner.Run("check", "--model", "idp-churn", "--version", "1", "--stage", "staging",
            "--server", _ledger.Address.ToString(), "--token", token);

        Assert.True(result.ExitCode == 1, result.ToString()); // denied: no approval yet; a refused token would exit 2
        Assert.Contains("DENIED", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Readiness_reports_the_provider_keys_it_loaded()
    {
        var entry = await AuthorityLedger.IdentityProvider(_ledger);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains($"{_provider.Issuer}/jwks", entry.Description, StringComparison.Ordinal);
        Assert.Equal("k1", entry.Data["keyIds"]);
    }
}
