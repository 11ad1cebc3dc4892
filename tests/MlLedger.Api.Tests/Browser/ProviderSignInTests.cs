using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using MlLedger.Api.Tests.IdentityProvider;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// The web console's client at the real provider, in the browser: a person signs in on the provider's pages
/// (<see cref="ProviderSignIn"/>), the code comes back to the console's address and redeems, with the PKCE verifier
/// and the client secret, for an ID token naming the account and its roles; without PKCE there is no code; signing
/// out ends the session at the provider.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProviderSignInTests(Chromium chromium) : IAsyncLifetime
{
    private LoopbackSite _console = null!;
    private OidcProvider _provider = null!;

    public async Task InitializeAsync()
    {
        // stands in for the web console: its callback pages only say where the browser is
        _console = await LoopbackSite.StartAsync(site =>
        {
            site.MapGet(ConsoleClient.CallbackPath, LoopbackSite.Html(Page("Signing in")));
            site.MapPost(ConsoleClient.CallbackPath, async context =>
            {
                // a form_post answer: the fields the browser posted, shown on the page for the test to read
                var form = await context.Request.ReadFormAsync();
                var posted = QueryString.Create(form.Select(field => KeyValuePair.Create(field.Key, (string?)field.Value.ToString())));
                await LoopbackSite.Html(Page("Signing in", $"<pre id=\"posted\">{HtmlEncoder.Default.Encode(posted.Value ?? "")}</pre>"))(context);
            });
            site.MapGet(ConsoleClient.SignedOutCallbackPath, LoopbackSite.Html(Page("Signed out")));
        });
        _provider = await OidcProvider.StartAsync(console: _console.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _console.DisposeAsync();
    }

    [Theory]
    [InlineData("rita", new[] { "approver", "risk-officer" })]
    [InlineData("pat", new[] { "pipeline", "approver" })]
    [InlineData("percy", new[] { "pipeline" })]
    public async Task Given_the_console_client_When_a_person_signs_in_Then_the_code_redeems_for_an_ID_token_with_their_account_and_roles(
        string account, string[] roles)
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        using var console = new ConsoleRelyingParty(_provider, _console.BaseAddress);

        await page.GotoAsync(await console.AuthorizationUrlAsync());
        await ProviderSignIn.SignInAsync(page, _provider, account);
        var code = CodeAt(page, console);
        var tokens = await console.RedeemAsync(code);

        var idToken = await console.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(account, idToken.FindFirst("sub")?.Value);
        Assert.Equal(roles, idToken.FindAll("roles").Select(claim => claim.Value));
        var userInfo = await console.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(account, userInfo.GetProperty("sub").GetString());
        Assert.Equal(roles, userInfo.GetProperty("roles").EnumerateArray().Select(role => role.GetString()));
    }

    [Fact]
    public async Task Given_the_console_client_asking_for_form_post_When_a_person_signs_in_Then_the_code_is_posted_to_the_console_and_redeems()
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        using var console = new ConsoleRelyingParty(_provider, _console.BaseAddress);

        await page.GotoAsync(await console.AuthorizationUrlAsync(responseMode: "form_post"));
        await ProviderSignIn.SignInAsync(page, _provider, "pat");

        Assert.Equal(ConsoleClient.RedirectUri(_console.BaseAddress), page.Url);
        var posted = QueryHelpers.ParseQuery(await page.Locator("#posted").TextContentAsync());
        Assert.Equal(console.State, posted["state"].ToString());
        var tokens = await console.RedeemAsync(posted["code"].ToString());
        var idToken = await console.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal("pat", idToken.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task Given_the_console_client_When_it_asks_for_a_code_without_PKCE_Then_the_provider_sends_back_invalid_request_and_no_code()
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        using var console = new ConsoleRelyingParty(_provider, _console.BaseAddress);

        await page.GotoAsync(await console.AuthorizationUrlAsync(withPkce: false));

        Assert.StartsWith(ConsoleClient.RedirectUri(_console.BaseAddress) + "?", page.Url, StringComparison.Ordinal);
        var answer = QueryHelpers.ParseQuery(new Uri(page.Url).Query);
        Assert.Equal("invalid_request", answer["error"].ToString());
        Assert.Contains("PKCE", answer["error_description"].ToString(), StringComparison.Ordinal);
        Assert.False(answer.ContainsKey("code"));
    }

    [Fact]
    public async Task Given_a_person_signed_in_through_the_console_When_the_console_signs_them_out_Then_back_at_the_console_and_the_next_sign_in_asks_again()
    {
        await using var context = await chromium.NewContextAsync(Screen.Phone, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        using var first = new ConsoleRelyingParty(_provider, _console.BaseAddress);
        await page.GotoAsync(await first.AuthorizationUrlAsync());
        await ProviderSignIn.SignInAsync(page, _provider, "rita");
        var idToken = (await first.RedeemAsync(CodeAt(page, first))).GetProperty("id_token").GetString()!;
        // while the session lasts, the provider answers the console at once
        using var again = new ConsoleRelyingParty(_provider, _console.BaseAddress);
        await page.GotoAsync(await again.AuthorizationUrlAsync());
        CodeAt(page, again);

        var endSession = await first.EndSessionUrlAsync(idToken);
        await ProviderSignIn.SignOutAsync(page, _provider, () => page.GotoAsync(endSession));

        Assert.StartsWith(ConsoleClient.PostLogoutRedirectUri(_console.BaseAddress) + "?", page.Url, StringComparison.Ordinal);
        Assert.Equal(first.State, QueryHelpers.ParseQuery(new Uri(page.Url).Query)["state"].ToString());
        Assert.Equal("Signed out", await page.TitleAsync());
        using var afterwards = new ConsoleRelyingParty(_provider, _console.BaseAddress);
        await page.GotoAsync(await afterwards.AuthorizationUrlAsync());
        Assert.StartsWith(_provider.Issuer + "/interaction/", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("input[name=login]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Given_a_sign_in_that_leads_somewhere_else_When_it_ends_Then_the_failure_says_where_the_browser_is_and_what_the_page_says()
    {
        await using var context = await chromium.NewContextAsync(Screen.Phone, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        using var console = new ConsoleRelyingParty(_provider, _console.BaseAddress);
        await page.GotoAsync(await console.AuthorizationUrlAsync());
        var elsewhere = _console.Url("/somewhere-else");

        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ProviderSignIn.SignInAsync(page, _provider, "rita", backAt: elsewhere));

        Assert.Contains($"signing in should have led back to {elsewhere}", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"the browser is at {ConsoleClient.RedirectUri(_console.BaseAddress)}?", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{_provider.Issuer}/interaction/", failure.Message, StringComparison.Ordinal); // the pages it went through
        Assert.Contains("the page says:\nSigning in", failure.Message, StringComparison.Ordinal);
        var screenshot = System.Text.RegularExpressions.Regex.Match(failure.Message, @"screenshot: (\S+\.png)").Groups[1].Value;
        Assert.True(File.Exists(screenshot), $"no screenshot at '{screenshot}'");
        File.Delete(screenshot);
    }

    [Fact]
    public async Task Given_a_page_off_the_provider_When_signing_in_Then_the_failure_says_where_the_browser_is_and_what_the_page_says()
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop, acceptAnyCertificateUnsafe: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_console.Url(ConsoleClient.SignedOutCallbackPath));

        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => ProviderSignIn.SignInAsync(page, _provider, "rita"));

        Assert.Contains("to sign in, the browser should be on the provider's pages", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"the browser is at {_console.Url(ConsoleClient.SignedOutCallbackPath)}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the page says:\nSigned out", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The code on the console's callback address, after checking the state and the issuer (RFC 9207) beside it.</summary>
    private string CodeAt(IPage page, ConsoleRelyingParty console)
    {
        Assert.StartsWith(ConsoleClient.RedirectUri(_console.BaseAddress) + "?", page.Url, StringComparison.Ordinal);
        var answer = QueryHelpers.ParseQuery(new Uri(page.Url).Query);
        Assert.Equal(console.State, answer["state"].ToString());
        Assert.Equal(_provider.Issuer, answer["iss"].ToString());
        Assert.False(answer.ContainsKey("error"), $"the provider answered {page.Url}");
        return answer["code"].ToString() is { Length: > 0 } code ? code : throw new Xunit.Sdk.XunitException($"no code in {page.Url}");
    }

    private static string Page(string title, string body = "") =>
        $"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>""";
}
