using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// <c>--jwt-issuer</c> with <c>--jwt-authority</c>: only tokens of that issuer pass, whatever issuer the discovery
/// document names; a document naming another issuer is reported (log, readiness Degraded).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class IssuerNarrowingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OidcProvider _provider = null!;

    public async Task InitializeAsync() => _provider = await OidcProvider.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Given_jwt_issuer_other_than_the_providers_Then_its_tokens_are_refused_and_the_mismatch_is_reported()
    {
        var log = new CapturedLog();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider) with { Issuer = "https://login.example.test/" }, log);

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Degraded");
        Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, await _provider.ClientToken("ci-pipeline")));
        var entry = await AuthorityLedger.IdentityProvider(ledger);
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains($"names issuer '{_provider.Issuer}'", entry.Description, StringComparison.Ordinal);
        Assert.Contains("only tokens of issuer 'https://login.example.test/' are accepted (--jwt-issuer)", entry.Description, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Issuer mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_jwt_issuer_equal_to_the_providers_Then_its_tokens_pass()
    {
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider) with { Issuer = _provider.Issuer });

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, await _provider.ClientToken("ci-pipeline")));
    }

    [Fact]
    public async Task Given_the_authority_written_with_a_trailing_slash_Then_the_providers_tokens_pass()
    {
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider) with { Authority = _provider.Issuer + "/" });

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, await _provider.ClientToken("ci-pipeline")));
    }
}
