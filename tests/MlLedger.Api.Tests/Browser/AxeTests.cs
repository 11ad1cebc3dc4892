using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// axe-core runs inside pages that send a strict Content-Security-Policy, in a context that still enforces it, finds
/// the faults of an inaccessible page and none of serious or critical impact on a clean one.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AxeTests(Chromium chromium) : IAsyncLifetime
{
    // No language, an image without a text alternative, a field without a label, grey on white (about 1.9:1);
    // and an inline script that the policy refuses.
    private const string Inaccessible = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>Inaccessible</title><link rel="stylesheet" href="/site.css"></head>
        <body>
          <main>
            <h1>Approve a promotion</h1>
            <img id="logo" src="/logo.svg">
            <form action="/approve" method="post"><input id="reason" type="text" name="reason"><button type="submit">Approve</button></form>
            <p id="faint" class="faint">Approving cannot be undone.</p>
            <p id="inline">not run</p>
          </main>
          <script>document.getElementById('inline').textContent = 'inline script ran';</script>
        </body>
        </html>
        """;

    private const string Clean = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Approve a promotion</title><link rel="stylesheet" href="/site.css"></head>
        <body>
          <main>
            <h1>Approve a promotion</h1>
            <img src="/logo.svg" alt="MlLedger">
            <form action="/approve" method="post">
              <label for="reason">Reason</label>
              <input id="reason" type="text" name="reason">
              <button type="submit">Approve</button>
            </form>
            <p>Approving cannot be undone.</p>
          </main>
        </body>
        </html>
        """;

    private const string Logo = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#1d70b8"/></svg>""";

    private LoopbackSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(site =>
        {
            site.MapGet("/inaccessible", LoopbackSite.Html(Inaccessible));
            site.MapGet("/clean", LoopbackSite.Html(Clean));
            site.MapGet("/site.css", LoopbackSite.Asset("body { color: #0b0c0c; background: #ffffff; } .faint { color: #bbbbbb; }", "text/css"));
            site.MapGet("/logo.svg", LoopbackSite.Asset(Logo, "image/svg+xml"));
        });
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Given_an_inaccessible_page_with_a_strict_policy_When_axe_runs_Then_its_faults_are_serious_or_critical_and_the_policy_still_holds()
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_site.Url("/inaccessible"));

        var violations = await Axe.RunAsync(page);

        var serious = violations.Where(v => v.IsSeriousOrCritical).ToDictionary(v => v.Id);
        Assert.Equal(["color-contrast", "html-has-lang", "image-alt", "label"], serious.Keys.Order());
        Assert.Equal(["#logo"], serious["image-alt"].Targets);
        Assert.Equal(["#reason"], serious["label"].Targets);
        Assert.Equal(["#faint"], serious["color-contrast"].Targets);
        Assert.Equal("critical", serious["image-alt"].Impact);
        // axe ran in a context that enforces the page's policy: the inline script was refused all the same
        Assert.Equal("not run", await page.Locator("#inline").TextContentAsync());
        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => Axe.AssertNoSeriousOrCriticalAsync(page));
    }

    [Fact]
    public async Task Given_a_clean_page_with_a_strict_policy_When_axe_runs_Then_nothing_serious_or_critical()
    {
        await using var context = await chromium.NewContextAsync(Screen.Phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_site.Url("/clean"));

        var violations = await Axe.RunAsync(page);

        Assert.DoesNotContain(violations, v => v.IsSeriousOrCritical);
        await Axe.AssertNoSeriousOrCriticalAsync(page);
    }

    [Fact]
    public async Task Given_a_strict_policy_When_axe_is_added_as_a_script_element_Then_the_page_refuses_it()
    {
        // why Axe evaluates its source over the DevTools protocol instead of adding it to the page
        await using var context = await chromium.NewContextAsync(Screen.Laptop);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_site.Url("/clean"));

        var refusal = await Assert.ThrowsAsync<PlaywrightException>(
            () => page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "window.added = true;" }));

        Assert.Contains("Content Security Policy", refusal.Message, StringComparison.Ordinal);
        Assert.False(await page.EvaluateAsync<bool>("() => window.added === true"));
    }
}
