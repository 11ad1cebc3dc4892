using Microsoft.Playwright;
using MlLedger.Api.Console;
using MlLedger.Api.Hosting;
using MlLedger.Api.Tests.Browser;
using MlLedger.Api.Tests.IdentityProvider;
using MlLedger.Api.Tests.Infrastructure;
using MlLedger.Policies;

namespace MlLedger.Api.Tests.ConsolePages;

/// <summary>
/// A ledger on the shipped policies whose API tokens and console sign-ins both come from a real OpenID provider
/// (oidc-provider on loopback), as production runs it: <c>--jwt-authority</c> and <c>--console-client-id</c>.
/// </summary>
public sealed class ConsoleLedger : IAsyncDisposable
{
    private readonly string _secretFile;

    private ConsoleLedger(OidcProvider provider, LedgerApp ledger, string secretFile)
    {
        Provider = provider;
        Ledger = ledger;
        _secretFile = secretFile;
    }

    public OidcProvider Provider { get; }

    public LedgerApp Ledger { get; }

    public Uri Address => Ledger.Address;

    public static async Task<ConsoleLedger> StartAsync(PostgresFixture postgres)
    {
        var port = LoopbackPorts.Free();
        var site = new Uri($"http://127.0.0.1:{port}/");
        var provider = await OidcProvider.StartAsync(console: site);
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, ConsoleClient.Secret);
        var ledger = await LedgerApp.StartAsync(postgres, options => options with
        {
            Urls = site.AbsoluteUri.TrimEnd('/'),
            Jwt = AuthorityLedger.Settings(provider),
            Console = new ConsoleSettings { ClientId = ConsoleClient.Id, ClientSecretFile = secretFile },
            Policies = PolicySet.Load(LedgerApp.ShippedPolicies),
        });
        return new ConsoleLedger(provider, ledger, secretFile);
    }

    /// <summary>An API client with a token the provider gave <paramref name="account"/> (device sign-in).</summary>
    public async Task<HttpClient> PersonApi(string account) => Ledger.ClientWithToken(await Provider.PersonToken(account));

    /// <summary>An API client with the pipeline client's token (client credentials).</summary>
    public async Task<HttpClient> PipelineApi() => Ledger.ClientWithToken(await Provider.ClientToken("ci-pipeline"));

    /// <summary>A browser page of a new context, signed in to the console as <paramref name="account"/> at <paramref name="path"/>.</summary>
    public async Task<IPage> SignedIn(Chromium chromium, string account, string path = "/", Screen? screen = null)
    {
        var context = await chromium.NewContextAsync(screen ?? Screen.Laptop, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Address, path).AbsoluteUri); // the console sends the browser to the provider
        await ProviderSignIn.SignInAsync(page, Provider, account, backAt: Address.AbsoluteUri);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        await Provider.DisposeAsync();
        File.Delete(_secretFile);
    }
}
