using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// The provider unreachable: at start the ledger is not ready and says which metadata URL it cannot reach, and is
/// ready within seconds of the provider; later, the keys it has are used (Degraded) until --jwt-keys-max-age, then
/// every token is refused (Unhealthy).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ProviderOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Given_the_provider_unreachable_at_start_Then_not_ready_the_log_names_the_metadata_url_and_tokens_pass_once_it_answers()
    {
        var port = LoopbackPorts.Free();
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-idp-{Guid.NewGuid():N}");
        var certificates = TestCertificates.Create(directory, ["127.0.0.1"], ["localhost"]);
        var log = new CapturedLog();
        var metadata = $"https://127.0.0.1:{port}/.well-known/openid-configuration";
        await using (var ledger = await AuthorityLedger.StartAsync(postgres, new()
                     {
                         Authority = $"https://127.0.0.1:{port}", AuthorityCaFile = certificates.CaFile, Audience = OidcProvider.Audience,
                         KeysRefresh = TimeSpan.FromSeconds(1), KeysMaxAge = TimeSpan.FromMinutes(10),
                     }, log))
        {
            await AuthorityLedger.Readiness(ledger, HttpStatusCode.ServiceUnavailable, "Unhealthy");
            await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.Contains(metadata, StringComparison.Ordinal))), "the log to name the metadata URL");
            var entry = await AuthorityLedger.IdentityProvider(ledger);
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains(metadata, entry.Description, StringComparison.Ordinal);
            Assert.Contains(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("identity provider is unreachable", StringComparison.Ordinal)
                                             && l.Contains(metadata, StringComparison.Ordinal));

            await using var provider = await OidcProvider.StartAsync(port, certificates: certificates);
            var token = await provider.ClientToken("ci-pipeline");
            await AuthorityLedger.Answers(ledger, token, HttpStatusCode.OK, "a token to pass once the provider answers");
            await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Given_keys_loaded_When_the_provider_goes_away_Then_Degraded_and_past_the_max_age_every_token_is_refused()
    {
        var log = new CapturedLog();
        var provider = await OidcProvider.StartAsync();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with
        {
            KeysRefresh = TimeSpan.FromSeconds(1), KeysMaxAge = TimeSpan.FromSeconds(5),
        }, log);
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");
        var token = await provider.ClientToken("ci-pipeline");
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, token));

        await provider.DisposeAsync();

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Degraded"); // still serving with the keys it has
        Assert.Equal(HttpStatusCode.OK, await AuthorityLedger.Read(ledger, token));
        await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Could not refresh", StringComparison.Ordinal))),
            "the log to warn that the keys could not be refreshed");

        await AuthorityLedger.Answers(ledger, token, HttpStatusCode.Unauthorized, "keys past their max age to be dropped");
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.Contains("every token is refused until", StringComparison.Ordinal))),
            "the log to say that every token is refused");
    }
}
