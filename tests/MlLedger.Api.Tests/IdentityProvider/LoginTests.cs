using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlLedger.Api.Tests.Cli;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// <c>mlledger login</c> against the real provider: client credentials for a pipeline (secret from the environment or
/// a file), device sign-in for a person (approved on the provider's pages); the token kept 0600, used and renewed by
/// the other commands.
/// </summary>
[Collection(LedgerCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LoginTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OidcProvider _provider = null!;
    private LedgerApp _ledger = null!;
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"mlledger-home-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync();
        _ledger = await AuthorityLedger.StartAsync(postgres, AuthorityLedger.Settings(_provider));
        await AuthorityLedger.Readiness(_ledger, HttpStatusCode.OK, "Healthy");
        var pipeline = _ledger.ClientWithToken(await _provider.ClientToken("ci-pipeline"));
        await pipeline.Post("/v1/datasets", Dataset("login-train", "1")).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/login-churn/versions", ModelVersion("1", null, "login-train@1")).Expect(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _provider.DisposeAsync();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private string Logins => Path.Combine(_home, "mlledger", "logins");

    [Fact]
    public async Task Given_a_pipeline_secret_in_the_environment_When_it_logs_in_Then_the_token_is_kept_0600_and_check_uses_it()
    {
        var secret = OidcProvider.Pipelines.Single(p => p.Id == "ci-pipeline").Secret;

        var login = await CliProcess.Run(Environment(("MLLEDGER_CLIENT_SECRET", secret)), Login("ci-pipeline"));

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"Signed in to {_provider.Issuer} as ci-pipeline (client ci-pipeline, client credentials)", login.Output, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(Logins));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Logins));
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        var check = await CliProcess.Run(Environment(), Check());

        Assert.True(check.ExitCode == 1, check.ToString()); // denied by the policies (no approval yet): the ledger accepted the token
        Assert.Contains("DENIED", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_secret_file_When_the_cached_token_expires_Then_commands_renew_it_and_say_so_when_they_cannot()
    {
        var secretFile = Path.Combine(_home, "secret");
        Directory.CreateDirectory(_home);
        await File.WriteAllTextAsync(secretFile, OidcProvider.Pipelines.Single(p => p.Id == "ci-short").Secret + "\n");
        var login = await CliProcess.Run(Environment(), [.. Login("ci-short"), "--client-secret-file", secretFile]);
        Assert.True(login.ExitCode == 0, login.ToString());
        var issued = Cached()["accessToken"]!.GetValue<string>();
        var before = (await _provider.Served()).Token;

        // the token lives 20 s, less than the 30 s before expiry at which it is renewed: every command renews it
        var check = await CliProcess.Run(Environment(), Check());

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Equal(before + 1, (await _provider.Served()).Token);
        Assert.NotEqual(issued, Cached()["accessToken"]!.GetValue<string>());

        File.Delete(secretFile);
        var orphan = await CliProcess.Run(Environment(), Check());

        Assert.True(orphan.ExitCode == 2, orphan.ToString());
        Assert.Contains($"the login to {_provider.Issuer} (client ci-short) expired and could not be renewed: the client secret file {secretFile} cannot be read",
            orphan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_person_When_they_sign_in_on_the_providers_pages_Then_the_token_is_theirs_and_renewed_with_the_refresh_token()
    {
        using var cli = CliProcess.Start(Environment(),
            "login", "--device", "--authority", _provider.Issuer, "--client-id", OidcProvider.ShortDeviceClient,
            "--authority-ca", _provider.CaFile, "--resource", OidcProvider.Resource);
        var url = await Eventually.Get(() => Task.FromResult(
            Regex.Match(cli.Error, @"\(or open (?<url>https://\S+)\)") is { Success: true } match ? match.Groups["url"].Value : null),
            "the CLI to print where to sign in");
        Assert.Matches(@"To sign in, open https://127\.0\.0\.1:\d+/device and enter the code [A-Z]{4}-[A-Z]{4}", cli.Error);

        using (var browser = _provider.Browser())
        {
            await DeviceApproval.ApproveAsync(browser, url, "audrey");
        }

        var login = await cli.Exit();
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("as audrey (client mlledger-cli-short, device sign-in)", login.Output, StringComparison.Ordinal);
        Assert.Contains("renewed with the refresh token", login.Output, StringComparison.Ordinal);
        var issued = Cached()["accessToken"]!.GetValue<string>();
        var before = (await _provider.Served()).Token;

        var verify = await CliProcess.Run(Environment(), "verify-stream", "--server", _ledger.Address.ToString());

        Assert.True(verify.ExitCode == 0, verify.ToString()); // audrey is an auditor
        Assert.Equal(before + 1, (await _provider.Served()).Token); // renewed with the refresh token: no secret, no sign-in
        Assert.NotEqual(issued, Cached()["accessToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_client_secret_on_the_command_line_Then_login_refuses_it_without_printing_it()
    {
        var result = await CliProcess.Run(Environment(), [.. Login("ci-pipeline"), "--client-secret", "visible-in-ps-0123"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--client-secret would show the secret to every user of this machine", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("visible-in-ps-0123", result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logins));
    }

    [Fact]
    public async Task Given_an_http_authority_or_a_wrong_secret_Then_login_exits_2_and_keeps_nothing()
    {
        var http = await CliProcess.Run(Environment(("MLLEDGER_CLIENT_SECRET", "x")),
            "login", "--authority", "http://127.0.0.1:1", "--client-id", "ci-pipeline");
        var wrong = await CliProcess.Run(Environment(("MLLEDGER_CLIENT_SECRET", "not-the-secret")), Login("ci-pipeline"));

        Assert.True(http.ExitCode == 2, http.ToString());
        Assert.Contains("--authority must be an https:// URL", http.Error, StringComparison.Ordinal);
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("invalid_client", wrong.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logins) && Directory.GetFiles(Logins).Length > 0);
    }

    [Fact]
    public async Task Given_a_login_When_logged_out_Then_commands_ask_for_a_token()
    {
        var secret = OidcProvider.Pipelines.Single(p => p.Id == "ci-pipeline").Secret;
        Assert.Equal(0, (await CliProcess.Run(Environment(("MLLEDGER_CLIENT_SECRET", secret)), Login("ci-pipeline"))).ExitCode);

        var logout = await CliProcess.Run(Environment(), "logout", "--authority", _provider.Issuer, "--client-id", "ci-pipeline");
        var check = await CliProcess.Run(Environment(), Check());

        Assert.Contains($"Forgot the login to {_provider.Issuer} (client ci-pipeline).", logout.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Logins));
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("a token is required: --token or MLLEDGER_TOKEN, or sign in once with `mlledger login`", check.Error, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = _home };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    private string[] Login(string clientId) =>
        ["login", "--authority", _provider.Issuer, "--client-id", clientId, "--authority-ca", _provider.CaFile, "--resource", OidcProvider.Resource];

    private string[] Check() => ["check", "--model", "login-churn", "--version", "1", "--stage", "staging", "--server", _ledger.Address.ToString()];

    private JsonObject Cached() => JsonNode.Parse(File.ReadAllText(Assert.Single(Directory.GetFiles(Logins))))!.AsObject();
}
