using Microsoft.Playwright;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// Debian's Chromium (<see cref="ExecutablePath"/>, which scripts/prerequisites installs) driven by Playwright: one
/// headless browser per fixture, a new isolated context (cookies, storage, cache) per test from
/// <see cref="NewContextAsync"/>. Playwright's own browser builds are never fetched, and the browser reaches nothing
/// but loopback: every other host name resolves to nothing, so a page's web fonts or trackers fail at once.
/// <para>
/// A test class takes it as <c>[Collection(BrowserCollection.Name)]</c> (one browser for all such classes, which then
/// run one after another), or, when it belongs to another collection (PostgreSQL's), as <c>IClassFixture&lt;Chromium&gt;</c>.
/// </para>
/// <code>
/// await using var context = await chromium.NewContextAsync(Screen.Phone);
/// var page = await context.NewPageAsync();
/// await page.GotoAsync(site.Url("/"));
/// await Chromium.ScreenshotAsync(page, path);
/// </code>
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            // never a skip: a run without a browser has not tested the pages
            throw new InvalidOperationException(
                $"the browser tests need Chromium at {ExecutablePath}; scripts/prerequisites installs Debian's package 'chromium'");
        }

        // Playwright drives the executable above; this keeps any of its tools from fetching a browser build of its own
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", // the tests run as root, where Chromium's sandbox refuses to start
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        });
    }

    /// <summary>
    /// A new context, isolated from every other, with the size and kind of <paramref name="screen"/>, English and UTC.
    /// Pages keep their Content-Security-Policy (it is never bypassed). Chromium cannot be told to trust a test CA
    /// per context, so a context that visits the test identity provider over HTTPS passes
    /// <paramref name="acceptAnyCertificateUnsafe"/>; the console's own checks of the provider's certificate happen
    /// on the server, not in the browser.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Screen screen, bool acceptAnyCertificateUnsafe = false)
    {
        return await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = screen.Width, Height = screen.Height },
            IsMobile = screen.IsMobile,
            HasTouch = screen.IsMobile,
            DeviceScaleFactor = 1,
            Locale = "en-GB",
            TimezoneId = "UTC",
            BypassCSP = false,
            IgnoreHTTPSErrors = acceptAnyCertificateUnsafe,
        });
    }

    /// <summary>A PNG of the whole page (not only what the viewport shows), written to <paramref name="path"/>.</summary>
    public static async Task ScreenshotAsync(IPage page, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Png });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// A screen to lay pages out on, in CSS pixels; screenshots are the same size (device scale factor 1).
/// <see cref="Laptop"/> is a common small laptop; <see cref="Phone"/> a current phone held upright, with touch and the
/// page's viewport meta tag honoured.
/// </summary>
public sealed record Screen(string Name, int Width, int Height, bool IsMobile)
{
    public static readonly Screen Laptop = new("laptop", 1366, 768, IsMobile: false);
    public static readonly Screen Phone = new("phone", 390, 844, IsMobile: true);
}

/// <summary>Test classes that share one <see cref="Chromium"/>.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}
