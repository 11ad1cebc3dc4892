using System.Net;
using Microsoft.Playwright;
using MlLedger.Api.Tests.Browser;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.ConsolePages;

/// <summary>
/// What every console page must be, checked in Chromium on a laptop and a phone: no serious or critical accessibility
/// violation (axe-core), a Content-Security-Policy without inline scripts and with no framing, no token in the page, and a
/// session cookie script cannot read. Screenshots of the inbox and the promotion page are written for the docs
/// (docs/images when MLLEDGER_UPDATE_SCREENSHOTS=1, else a temporary directory).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class PageQualityTests(PostgresFixture postgres, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private ConsoleLedger _console = null!;
    private string _promotion = "";
    private long _entry;

    public async Task InitializeAsync()
    {
        _console = await ConsoleLedger.StartAsync(postgres);
        var pipeline = await _console.PipelineApi();
        await pipeline.Post("/v1/datasets", Dataset("fraud-train", "4", sha: Sha('4'))).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/datasets/fraud-train@4/checks", new { check = "pii-scan", result = "passed", details = "0 findings" })
            .Expect(HttpStatusCode.OK);
        var holdout = new { name = "fraud-holdout", version = "4", uri = "s3://bucket/fraud/holdout/4", sha256 = Sha('5'), license = "CC-BY-4.0",
            containsPersonalData = false, tags = new[] { "holdout" }, derivedFrom = Array.Empty<string>() };
        await pipeline.Post("/v1/datasets", holdout).Expect(HttpStatusCode.Created);
        var model = await pipeline.Post("/v1/models/fraud-detector/versions", ModelVersion("12", Sha('c'), "fraud-train@4"))
            .Expect(HttpStatusCode.Created);
        _entry = (long)model["entries"]![0]!["seq"]!;
        await pipeline.Post("/v1/models/fraud-detector/versions/12/evaluations", new { dataset = "fraud-holdout@4", metrics = new { auc = 0.93, recall = 0.81 } })
            .Expect(HttpStatusCode.Created);
        var requested = await (await _console.PersonApi("pat")).Post("/v1/promotions", Promotion("fraud-detector", "12")).Expect(HttpStatusCode.Created);
        _promotion = (string)requested["id"]!;
    }

    public async Task DisposeAsync() => await _console.DisposeAsync();

    [Theory]
    [InlineData("laptop")]
    [InlineData("phone")]
    public async Task The_inbox_promotion_trail_and_entry_pages_are_accessible_and_strict(string screen)
    {
        var page = await _console.SignedIn(chromium, "rita", "/", screen == "phone" ? Screen.Phone : Screen.Laptop);
        var pages = new[] { ("inbox", "/"), ("promotion", $"/promotions/{_promotion}"), ("trail", "/trail"), ("entry", $"/entries/{_entry}") };
        foreach (var (name, path) in pages)
        {
            var response = await page.GotoAsync(new Uri(_console.Address, path).AbsoluteUri);
            Assert.Equal(200, response!.Status);
            var csp = await response.HeaderValueAsync("content-security-policy");
            Assert.Contains("script-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains("no-store", await response.HeaderValueAsync("cache-control"));
            Assert.DoesNotMatch(Jwt(), await page.ContentAsync()); // no token (header.payload.signature), whatever its use
            await Axe.AssertNoSeriousOrCriticalAsync(page);
            if (name is "inbox")
            {
                Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "fraud-detector 12" }).CountAsync());
            }

            if (name is "inbox" or "promotion")
            {
                await Chromium.ScreenshotAsync(page, Path.Combine(ScreenshotDirectory(), $"console-{name}-{screen}.png"));
            }
        }

        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == Api.Console.ConsoleAuth.CookieName);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
    }

    [Fact]
    public async Task A_page_of_the_console_cannot_be_shown_in_a_frame()
    {
        var page = await _console.SignedIn(chromium, "rita");
        var response = await page.GotoAsync(new Uri(_console.Address, "/trail").AbsoluteUri);
        Assert.Equal("DENY", await response!.HeaderValueAsync("x-frame-options"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.")]
    private static partial System.Text.RegularExpressions.Regex Jwt();

    private static string ScreenshotDirectory()
    {
        var directory = Environment.GetEnvironmentVariable("MLLEDGER_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Directories.RepositoryRoot(), "docs", "images")
            : Path.Combine(Path.GetTempPath(), "mlledger-screenshots");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
