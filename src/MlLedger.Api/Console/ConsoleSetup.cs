using Microsoft.AspNetCore.DataProtection;
using MlLedger.Api.Hosting;

namespace MlLedger.Api.Console;

/// <summary>What the pages need to know about how the ledger runs.</summary>
internal sealed record ConsoleContext(bool DevMode, bool SignInConfigured);

/// <summary>
/// The console on the ledger's own host: server-rendered Razor components (no script), the cookie session, antiforgery on
/// every form, and the headers every page carries.
/// </summary>
internal static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services, LedgerHostOptions options)
    {
        services.AddSingleton(new ConsoleContext(options.DevMode, options.Console.SignInConfigured(options.Jwt)));
        services.AddRazorComponents();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "mlledger-antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true; // frame-ancestors 'none' in the CSP says it, and X-Frame-Options too (ConsoleHeaders)
        });

        // the keys that protect session and antiforgery cookies live beside the ledger's keys, private to its user
        var keys = Directory.CreateDirectory(Path.Combine(options.KeysDirectory, "console"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.AddDataProtection().SetApplicationName("mlledger").PersistKeysToFileSystem(keys);
        return services;
    }

    public static void MapConsole(this WebApplication app)
    {
        app.MapGet(ConsoleAssets.StylesheetPath, ConsoleAssets.Stylesheet).AllowAnonymous().ExcludeFromDescription();
        app.MapSignIn();
        app.MapDecisions();
        app.MapReportForms();
        app.MapRazorComponents<App>();
    }
}
