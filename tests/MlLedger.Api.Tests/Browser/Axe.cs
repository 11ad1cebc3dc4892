using System.Text.Json;
using Microsoft.Playwright;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// axe-core (tests/interop/browser, pinned in its package-lock.json and installed by scripts/test) run inside a page,
/// for the accessibility faults a machine can find: missing text alternatives and labels, low contrast, a page
/// without a language, and so on. A test usually asks for <see cref="AssertNoSeriousOrCriticalAsync"/>.
/// <para>
/// The pages under test forbid inline and foreign scripts (<c>script-src 'self'</c>), so axe cannot be added to them as a
/// &lt;script&gt; element (Playwright's AddScriptTagAsync is refused, see AxeTests). Its source is evaluated through
/// Playwright's EvaluateAsync instead: that goes over the DevTools protocol (Runtime.evaluate), which the page's policy
/// does not govern. So the context keeps enforcing the policy (no BypassCSP), and the same page that is checked for
/// its policy is checked for accessibility. axe does not look inside frames (the console has none and forbids
/// framing).
/// </para>
/// </summary>
public static class Axe
{
    private const string Run = """
        async () => {
          const results = await axe.run(document, { iframes: false, resultTypes: ['violations'] });
          return results.violations.map((violation) => ({
            id: violation.id,
            impact: violation.impact ?? null,
            help: violation.help,
            helpUrl: violation.helpUrl,
            targets: violation.nodes.map((node) => node.target.map((part) => [].concat(part).join(' >>> ')).join(' | ')),
          }));
        }
        """;

    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(Directories.RepositoryRoot(), "tests", "interop", "browser", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"axe-core is not installed: run npm ci --prefix tests/interop/browser (scripts/test does)", path);
    });

    /// <summary>The version of axe-core that runs, as its source says.</summary>
    public static string Version => Source.Value.Split('\n', 2)[0].Replace("/*! axe v", "", StringComparison.Ordinal).Trim();

    /// <summary>Every rule axe finds broken on the page as it is now, with the elements that break it.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var violations = await page.EvaluateAsync<JsonElement>(Run);
        return violations.EnumerateArray().Select(violation => new AxeViolation(
            violation.GetProperty("id").GetString()!,
            violation.GetProperty("impact").GetString(),
            violation.GetProperty("help").GetString()!,
            violation.GetProperty("helpUrl").GetString()!,
            violation.GetProperty("targets").EnumerateArray().Select(target => target.GetString()!).ToList())).ToList();
    }

    /// <summary>Fails, listing them, when axe finds anything of serious or critical impact on the page.</summary>
    public static async Task AssertNoSeriousOrCriticalAsync(IPage page)
    {
        var found = (await RunAsync(page)).Where(violation => violation.IsSeriousOrCritical).ToList();
        Assert.True(found.Count == 0, $"axe {Version} found on {page.Url}:\n{string.Join('\n', found)}");
    }
}

/// <summary>One rule of axe broken on a page: its id, impact (minor, moderate, serious, critical), what it asks, where.</summary>
public sealed record AxeViolation(string Id, string? Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets)
{
    public bool IsSeriousOrCritical => Impact is "serious" or "critical";

    public override string ToString() => $"{Id} ({Impact}): {Help} — {string.Join(", ", Targets)} ({HelpUrl})";
}
