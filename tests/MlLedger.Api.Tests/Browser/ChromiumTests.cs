using Microsoft.AspNetCore.Builder;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// Debian's Chromium starts, renders pages of a loopback site, enforces their Content-Security-Policy in the contexts
/// tests get, and takes whole-page screenshots of the screen's size.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChromiumTests(Chromium chromium) : IAsyncLifetime
{
    // The inline script writes into #inline; the site's own script writes into #own.
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Policy check</title></head>
        <body>
          <main>
            <h1>Policy check</h1>
            <p id="own">not run</p>
            <p id="inline">not run</p>
          </main>
          <script>document.getElementById('inline').textContent = 'inline script ran';</script>
          <script src="/own.js"></script>
        </body>
        </html>
        """;

    // 1500 CSS pixels tall whatever the screen: taller than both screens, so only a whole-page picture is that tall
    private const string TallPage = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Tall page</title><link rel="stylesheet" href="/tall.css">
        </head>
        <body><main><h1>Tall page</h1></main></body>
        </html>
        """;

    private LoopbackSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await LoopbackSite.StartAsync(site =>
        {
            site.MapGet("/strict", LoopbackSite.Html(Page));
            site.MapGet("/unguarded", LoopbackSite.Html(Page, contentSecurityPolicy: null));
            site.MapGet("/own.js", LoopbackSite.Asset("document.getElementById('own').textContent = 'own script ran';", "text/javascript"));
            site.MapGet("/tall", LoopbackSite.Html(TallPage));
            site.MapGet("/tall.css", LoopbackSite.Asset("html, body, h1 { margin: 0; } main { height: 1500px; background: #f3f2f1; }", "text/css"));
        });
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Given_a_page_with_a_strict_policy_When_opened_Then_its_own_script_runs_and_the_inline_one_is_refused()
    {
        await using var context = await chromium.NewContextAsync(Screen.Laptop);
        var page = await context.NewPageAsync();
        var refusal = page.WaitForConsoleMessageAsync(new() { Predicate = message => message.Text.Contains("Content Security Policy", StringComparison.Ordinal) });

        var response = await page.GotoAsync(_site.Url("/strict"));

        Assert.Equal(LoopbackSite.StrictContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
        Assert.Equal("Policy check", await page.TitleAsync());
        Assert.Equal("own script ran", await page.Locator("#own").TextContentAsync());
        Assert.Equal("not run", await page.Locator("#inline").TextContentAsync());
        // Chromium 156 says "Executing inline script violates ... directive 'script-src 'self''. ... has been blocked."
        var message = (await refusal).Text;
        Assert.Contains("inline script", message, StringComparison.Ordinal);
        Assert.Contains("'script-src 'self''", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_same_page_without_a_policy_When_opened_Then_the_inline_script_runs()
    {
        // the check above can fail: without the header the very same inline script runs
        await using var context = await chromium.NewContextAsync(Screen.Laptop);
        var page = await context.NewPageAsync();
        var console = ConsoleMessages.Collect(page);

        await page.GotoAsync(_site.Url("/unguarded"));

        Assert.Equal("inline script ran", await page.Locator("#inline").TextContentAsync());
        Assert.Equal("own script ran", await page.Locator("#own").TextContentAsync());
        Assert.Empty(console.ContentSecurityPolicyViolations);
    }

    [Theory]
    [InlineData("laptop", 1366)]
    [InlineData("phone", 390)]
    public async Task Given_a_page_taller_than_the_screen_When_screenshot_Then_a_PNG_as_wide_as_the_screen_and_as_tall_as_the_page(
        string screenName, int width)
    {
        var screen = screenName == "laptop" ? Screen.Laptop : Screen.Phone;
        var path = Path.Combine(Path.GetTempPath(), $"mlledger-screenshot-{Guid.NewGuid():N}", $"{screen.Name}.png");
        await using var context = await chromium.NewContextAsync(screen);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_site.Url("/tall"));

        try
        {
            await Chromium.ScreenshotAsync(page, path);

            var (pngWidth, pngHeight) = PngSize(await File.ReadAllBytesAsync(path));
            Assert.Equal(width, screen.Width);
            Assert.Equal((width, 1500), (pngWidth, pngHeight));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>The size a PNG's header (its signature, then the IHDR chunk) says; fails on anything that is not a PNG.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
