using MlLedger.Api.Auth;
using MlLedger.Api.Hosting;
using MlLedger.Policies;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// What <c>mlledger serve</c> refuses before it starts anything (exit 2, nothing created): an http:// authority, a CA
/// file that is not one, refresh bounds that would drop the keys between two refreshes.
/// </summary>
public sealed class AuthorityStartTests
{
    [Theory]
    [InlineData("--jwt-authority http://login.example.test/", "--jwt-authority must be an https:// URL: the token signing keys are only fetched over TLS (got 'http://login.example.test/')")]
    [InlineData("--jwt-authority login.example.test", "--jwt-authority must be an https:// URL")]
    [InlineData("--jwt-authority https://login.example.test/?tenant=1", "--jwt-authority must be the issuer URL, without credentials, query or fragment")]
    [InlineData("--jwt-authority https://login.example.test/ --jwt-authority-ca /no/such/ca.pem", "--jwt-authority-ca /no/such/ca.pem cannot be read")]
    [InlineData("--jwt-authority https://login.example.test/ --jwt-authority-ca PRIVATE", "holds a private key; give only the CA certificates")]
    [InlineData("--jwt-authority https://login.example.test/ --jwt-authority-ca EMPTY", "holds no certificate")]
    [InlineData("--jwt-public-key issuer.pem --jwt-issuer https://i.test --jwt-authority-ca EMPTY", "--jwt-authority-ca goes with --jwt-authority")]
    [InlineData("--jwt-authority https://login.example.test/ --jwt-keys-refresh soon", "--jwt-keys-refresh 'soon' is not a duration such as 30s, 5min or 1h")]
    [InlineData("--jwt-authority https://login.example.test/ --jwt-keys-refresh 10min --jwt-keys-max-age 15min", "--jwt-keys-max-age (00:15:00) must be at least twice --jwt-keys-refresh (00:10:00)")]
    public async Task Given_an_unusable_authority_setting_When_serve_starts_Then_it_exits_2_with_the_reason_and_starts_nothing(string flags, string reason)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mlledger-serve-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "PRIVATE"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "EMPTY"), "");
        var dataDirectory = Path.Combine(directory, "data");
        var args = flags.Split(' ').Select(a => a is "PRIVATE" or "EMPTY" ? Path.Combine(directory, a) : a)
            .Concat(["serve", "--policies", LedgerApp.QuorumPolicies, "--data-dir", dataDirectory, "--urls", "http://127.0.0.1:0"]).ToList();
        args.Remove("serve");
        args.Insert(0, "serve");

        var result = await CliProcess.Run(new Dictionary<string, string>(), [.. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDirectory), "no embedded cluster or key was created");
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Given_an_http_authority_When_the_host_is_built_Then_it_refuses_instead_of_answering_500()
    {
        var keys = Path.Combine(Path.GetTempPath(), $"mlledger-keys-{Guid.NewGuid():N}");
        var options = new LedgerHostOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Database=never-used", KeysDirectory = keys, Policies = PolicySet.Load(LedgerApp.QuorumPolicies),
            Jwt = new JwtSettings { Authority = "http://127.0.0.1:1/" },
        };

        var refused = Assert.Throws<AuthConfigurationException>(() => LedgerHost.Build(options));

        Assert.Contains("--jwt-authority must be an https:// URL", refused.Message, StringComparison.Ordinal);
        Directory.Delete(keys, recursive: true);
    }
}
