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
    /// sign-in page (loaded, as <c>GotoAsync</c> leaves it): fills in and submits the sign-in form, agrees on the consent
    /// page when there is one, and returns once a page off the provider has loaded (usually the one the client's redirect
    /// URI leads to), at <paramref name="backAt"/> when given (an address prefix). Fails, saying where the browser is and
    /// what the page says, when the provider shows anything else or the browser ends up elsewhere.
    /// </summary>
    public static async Task SignInAsync(IPage page, OidcProvider provider, string account, string? backAt = null)
    {
        using var trail = new Trail(page);
        // the provider's next question, or a page off the provider; the self-submitting page of response_mode=form_post,
        // which carries the code to the client, is neither, and is passed
        bool Answered(string url) => OnInteraction(url, provider) || !OnProvider(url, provider);

        if (!OnProvider(page.Url, provider))
        {
            Assert.Fail(await Whereabouts(page, provider, trail, "to sign in, the browser should be on the provider's pages"));
        }

        for (var step = 0; step < 4 && OnProvider(page.Url, provider); step++)
        {
            // each page of the dev interactions is one form naming its prompt
            var prompt = page.Locator("form input[name=prompt]");
            if (await prompt.CountAsync() != 1)
            {
                Assert.Fail(await Whereabouts(page, provider, trail, "not a sign-in or consent page of the provider"));
            }

            switch (await prompt.GetAttributeAsync("value"))
            {
                case "login":
                    await page.Locator("input[name=login]").FillAsync(account);
                    await page.Locator("input[name=password]").FillAsync(Password);
                    await Submit(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign-in", Exact = true }), Answered, provider, trail);
                    break;
                case "consent":
                    await Submit(page, page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }), Answered, provider, trail);
                    break;
                case var other:
                    Assert.Fail(await Whereabouts(page, provider, trail, $"the provider asks for {other}, which {nameof(ProviderSignIn)} does not answer"));
                    break;
            }
        }

        if (OnProvider(page.Url, provider))
        {
            Assert.Fail(await Whereabouts(page, provider, trail, "the browser is still on the provider after signing in"));
        }

        if (backAt is not null && !page.Url.StartsWith(backAt, StringComparison.Ordinal))
        {
            Assert.Fail(await Whereabouts(page, provider, trail, $"signing in should have led back to {backAt}"));
        }
    }

    /// <summary>
    /// Ends the person's session at the provider on <paramref name="page"/>: runs <paramref name="toProvider"/>, which
    /// sends the browser to the provider's end-session endpoint (a click on the client's sign-out button, or a visit),
    /// confirms on the provider's page when it asks, and returns once a page off the provider has loaded (the client's
    /// post-logout redirect URI) or the provider's page says the sign-out succeeded.
    /// </summary>
    public static async Task SignOutAsync(IPage page, OidcProvider provider, Func<Task> toProvider)
    {
        using var trail = new Trail(page);
        if (await PageLoads.RunAndWaitForLoadAsync(page, toProvider, _ => true) is null)
        {
            Assert.Fail(await Whereabouts(page, provider, trail, $"no page loaded within {PageLoads.Patience} of starting to sign out"));
        }

        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out", Exact = true });
        if (OnProvider(page.Url, provider) && await confirm.CountAsync() == 1)
        {
            await Submit(page, confirm, url => SignedOut(url, provider), provider, trail);
        }

        if (!SignedOut(page.Url, provider))
        {
            Assert.Fail(await Whereabouts(page, provider, trail, "the provider did not sign out"));
        }
    }

    private static bool OnProvider(string url, OidcProvider provider) => url.StartsWith(provider.Issuer + "/", StringComparison.Ordinal);

    private static bool OnInteraction(string url, OidcProvider provider) =>
        url.StartsWith(provider.Issuer + "/interaction/", StringComparison.Ordinal);

    private static bool SignedOut(string url, OidcProvider provider) =>
        !OnProvider(url, provider) || new Uri(url).AbsolutePath == "/session/end/success";

    /// <summary>
    /// Clicks a submit button and waits until a page it leads to where <paramref name="arrived"/> holds has loaded. Pages
    /// in between are passed: the self-submitting form of <c>response_mode=form_post</c> that carries the code to the
    /// client. The next question may be at the same address as the last (the wait listens for the load of a new page,
    /// not for a new address).
    /// </summary>
    private static async Task Submit(IPage page, ILocator button, Func<string, bool> arrived, OidcProvider provider, Trail trail)
    {
        var from = page.Url;
        if (await PageLoads.RunAndWaitForLoadAsync(page, () => button.ClickAsync(), arrived) is null)
        {
            Assert.Fail(await Whereabouts(page, provider, trail, $"no page that answering {from} leads to loaded within {PageLoads.Patience}"));
        }
    }

    /// <summary>
    /// A failure's account of the browser: <paramref name="problem"/>, the address and the pages before it, what the page
    /// says (its text, else its HTML), a screenshot's path, and what the provider wrote to stderr.
    /// </summary>
    private static async Task<string> Whereabouts(IPage page, OidcProvider provider, Trail trail, string problem)
    {
        string says;
        string screenshot;
        try
        {
            says = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            says = await page.ContentAsync();
        }

        try
        {
            screenshot = Path.Combine(Path.GetTempPath(), "mlledger-signin-failures", $"{Guid.NewGuid():N}.png");
            await Chromium.ScreenshotAsync(page, screenshot);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            screenshot = $"none ({e.Message.Split('\n')[0]})";
        }

        var errors = provider.Errors;
        return $"""
            {problem}
            the browser is at {page.Url}
            the pages it went through: {string.Join(" -> ", trail.Pages)}
            the page says:
            {says.Trim()}
            screenshot: {screenshot}
            the provider wrote to stderr: {(errors.Length == 0 ? "nothing" : errors)}
            """;
    }

    /// <summary>The addresses the page's main frame has been at, from the first one.</summary>
    private sealed class Trail : IDisposable
    {
        private readonly IPage _page;
        private readonly List<string> _pages;

        public Trail(IPage page)
        {
            _page = page;
            _pages = [page.Url];
            page.FrameNavigated += OnNavigated;
        }

        public IReadOnlyList<string> Pages
        {
            get
            {
                lock (_pages)
                {
                    return _pages.ToList();
                }
            }
        }

        public void Dispose() => _page.FrameNavigated -= OnNavigated;

        private void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == _page.MainFrame)
            {
                lock (_pages)
                {
                    _pages.Add(frame.Url);
                }
            }
        }
    }
}
