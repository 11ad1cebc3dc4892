using System.Net;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// The provider's TLS: its certificate must chain to the CA file (only for the ledger's client of the provider: the
/// machine's trust is unchanged) and name the host; otherwise no key is loaded and the log says why.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class AuthorityTlsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Given_a_provider_with_an_internal_CA_and_no_CA_file_Then_no_key_is_loaded_and_the_log_says_why()
    {
        await using var provider = await OidcProvider.StartAsync();
        var log = new CapturedLog();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with { AuthorityCaFile = null }, log);

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.Contains("errors in the certificate chain", StringComparison.Ordinal))),
            "the log to say that the certificate chain is not trusted");
        Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, await provider.ClientToken("ci-pipeline")));
    }

    [Fact]
    public async Task Given_a_CA_file_of_another_CA_Then_no_key_is_loaded()
    {
        await using var provider = await OidcProvider.StartAsync();
        var other = TestCertificates.Create(Path.Combine(Path.GetTempPath(), $"mlledger-ca-{Guid.NewGuid():N}"), ["127.0.0.1"], []);
        var log = new CapturedLog();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider) with { AuthorityCaFile = other.CaFile }, log);

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.Contains("certificate chain", StringComparison.Ordinal))), "the log to name the chain");
        Assert.Equal(HttpStatusCode.Unauthorized, await AuthorityLedger.Read(ledger, await provider.ClientToken("ci-pipeline")));
        Directory.Delete(Path.GetDirectoryName(other.CaFile)!, recursive: true);
    }

    [Fact]
    public async Task Given_a_certificate_of_the_CA_for_another_host_Then_no_key_is_loaded()
    {
        await using var provider = await OidcProvider.StartAsync(dnsNames: ["provider.invalid"]);
        var log = new CapturedLog();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider), log);

        await AuthorityLedger.Readiness(ledger, HttpStatusCode.ServiceUnavailable, "Unhealthy");
        await Eventually.Get(() => Task.FromResult(log.Lines.FirstOrDefault(l => l.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal))),
            "the log to name the host mismatch");
    }

    [Fact]
    public async Task Given_a_CA_file_Then_only_the_ledger_trusts_it_not_the_machine()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(provider));
        await AuthorityLedger.Readiness(ledger, HttpStatusCode.OK, "Healthy");

        using var machine = new HttpClient();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => machine.GetAsync($"{provider.Issuer}/.well-known/openid-configuration"));
        Assert.Contains("errors in the certificate chain", refused.InnerException?.Message, StringComparison.Ordinal);
    }
}
