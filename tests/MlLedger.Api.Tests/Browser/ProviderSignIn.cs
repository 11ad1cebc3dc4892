using Microsoft.Playwright;
using MlLedger.Api.Tests.IdentityProvider;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// A person on the test provider's own pages (oidc-provider's dev interactions), in the browser. Signing in: the
/// sign-in page asks for a login (any account name; <see cref="OidcProvider.Accounts"/> gives the known ones their
/// roles) and a password (anything), then a consent page lists what the client asks for until the person has
/// agreed once. Signing out (RP-initiated logout): a page asks "Do you want to sign-out", answered yes.
/// </summary>
public static class ProviderSignIn
{
    /// <summary>The dev sign-in checks no password, but its form requires one.</summary>
    public const string Password = "any password: the dev sign-in accepts it";

    /// <summary>
    /// Signs <paramref name="account"/> in on <paramref name="page"/>, which a relying party has sent to the provider's
    /// sign-in page: fills in and submits the sign-in form, agrees on the consent page when there is one, and returns
    /// once the browser has left the provider (usually for the client's redirect URI, loaded). Fails, showing the page,
    /// when the provider shows anything else.
    /// </summary>
    public static async Task SignInAsync(IPage page, OidcProvider provider, string account)
    {
        // the provider's next question, or the way back to the client
        bool Answered(string url) => OnInteraction(url, provider) || !OnProvider(url, provider);

        await page.WaitForURLAsync(url => OnProvider(url, provider));
        for (var step = 0; step < 4 && OnProvider(page.Url, provider); step++)
        {
            // each page of the dev interactions is one form naming its prompt
            var prompt = page.Locator("form input[name=prompt]");
            if (await prompt.CountAsync() != 1)
            {
                Assert.Fail($"not a sign-in or consent page of the provider: {page.Url}\n{await page.ContentAsync()}");
            }

            switch (await prompt.GetAttributeAsync("value"))
            {
                case "login":
                    await page.Locator("input[name=login]").FillAsync(account);
                    await page.Locator("input[name=password]").FillAsync(Password);
                    await Submit(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign-in", Exact = true }), Answered);
                    break;
                case "consent":
                    await Submit(page, page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }), Answered);
                    break;
                case var other:
                    Assert.Fail($"the provider asks for {other}, which {nameof(ProviderSignIn)} does not answer: {page.Url}");
                    break;
            }
        }

        Assert.False(OnProvider(page.Url, provider), $"the browser is still on the provider after signing in: {page.Url}\n{await page.ContentAsync()}");
    }

    /// <summary>
    /// Ends the person's session at the provider on <paramref name="page"/>, which a relying party has sent to the
    /// provider's end-session endpoint: confirms on the provider's page when it asks, and returns once the browser has
    /// left the provider (for the client's post-logout redirect URI) or the provider says the sign-out succeeded.
    /// </summary>
    public static async Task SignOutAsync(IPage page, OidcProvider provider)
    {
        await page.WaitForURLAsync(url => OnProvider(url, provider));
        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out", Exact = true });
        if (await confirm.CountAsync() == 1)
        {
            await Submit(page, confirm, url => SignedOut(url, provider));
        }

        Assert.True(SignedOut(page.Url, provider), $"the provider did not sign out: {page.Url}\n{await page.ContentAsync()}");
    }

    private static bool OnProvider(string url, OidcProvider provider) => url.StartsWith(provider.Issuer + "/", StringComparison.Ordinal);

    private static bool OnInteraction(string url, OidcProvider provider) =>
        url.StartsWith(provider.Issuer + "/interaction/", StringComparison.Ordinal);

    private static bool SignedOut(string url, OidcProvider provider) =>
        !OnProvider(url, provider) || new Uri(url).AbsolutePath == "/session/end/success";

    /// <summary>
    /// Clicks a submit button and waits until a page it leads to where <paramref name="arrived"/> has loaded. Pages
    /// in between are passed: the provider's redirects, and the self-submitting form of <c>response_mode=form_post</c>
    /// that carries the code to the client.
    /// </summary>
    private static async Task Submit(IPage page, ILocator button, Func<string, bool> arrived)
    {
        var before = page.Url;
        await button.ClickAsync();
        await page.WaitForURLAsync(url => url != before && arrived(url));
    }
}
