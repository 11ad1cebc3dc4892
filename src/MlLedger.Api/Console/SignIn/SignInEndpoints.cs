using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Auth;

namespace MlLedger.Api.Console;

/// <summary>
/// Signing in and out. <c>/signin</c> sends people to the OpenID provider (authorization code with PKCE), or in dev mode to
/// the dev sign-in page; <c>/signout</c> (a POST with the antiforgery token) ends the session here and at the provider.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>Roles the dev sign-in page offers.</summary>
    public static readonly string[] DevRoles = [Roles.Approver, "risk-officer", Roles.Auditor, Roles.Pipeline, Roles.Admin];

    private static readonly string[] NoFormToken =
        ["It did not carry this site's form token, so it may not come from a page of this console. Nothing was recorded."];

    public static void MapSignIn(this WebApplication app)
    {
        app.MapGet("/signin", SignIn).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signin/dev/session", DevSignIn).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/signout", SignOut).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>Only a path on this host: never a redirect to another site.</summary>
    public static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) &&
        !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";

    private static IResult SignIn(string? returnUrl, ConsoleContext console)
    {
        if (console.DevMode)
        {
            return TypedResults.Redirect($"/signin/dev?returnUrl={Uri.EscapeDataString(Local(returnUrl))}");
        }

        return console.SignInConfigured
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = Local(returnUrl) }, [ConsoleAuth.OidcScheme])
            : TypedResults.Redirect("/signin/unavailable");
    }

    private static async Task<IResult> DevSignIn(HttpContext http, ConsoleContext console, IAntiforgery antiforgery)
    {
        if (!console.DevMode)
        {
            return TypedResults.NotFound();
        }

        if (await Refused(http, antiforgery) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var subject = form["subject"].ToString().Trim();
        var roles = form["roles"].OfType<string>().Where(r => DevRoles.Contains(r, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var returnUrl = Local(form["returnUrl"]);
        if (subject.Length == 0 || CanonicalNames.Problem(subject, CanonicalNames.MaxSubjectBytes) is not null)
        {
            return TypedResults.Redirect($"/signin/dev?returnUrl={Uri.EscapeDataString(returnUrl)}&error=subject");
        }

        var identity = new ClaimsIdentity(ConsoleAuth.Scheme, TokenIdentity.SubjectClaim, TokenIdentity.RoleClaim);
        identity.AddClaim(new Claim(TokenIdentity.IssuerClaim, JwtSettings.DevIssuer));
        identity.AddClaim(new Claim(TokenIdentity.SubjectClaim, subject));
        identity.AddClaims(roles.Select(r => new Claim(TokenIdentity.RoleClaim, r)));
        await http.SignInAsync(ConsoleAuth.Scheme, new ClaimsPrincipal(identity));
        return TypedResults.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOut(HttpContext http, ConsoleContext console, IAntiforgery antiforgery)
    {
        if (await Refused(http, antiforgery) is { } refused)
        {
            return refused;
        }

        await http.SignOutAsync(ConsoleAuth.Scheme);
        if (console.SignInConfigured && !console.DevMode && http.User.Identity?.IsAuthenticated == true)
        {
            // the provider ends its own session too, then sends the browser back to /signed-out
            return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" }, [ConsoleAuth.OidcScheme]);
        }

        return TypedResults.Redirect("/signed-out");
    }

    /// <summary>A form posted without this site's antiforgery token is refused: 400, and nothing happens.</summary>
    public static async Task<IResult?> Refused(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Pages.Render<Layout.Refusal>(StatusCodes.Status400BadRequest, new()
            {
                [nameof(Layout.Refusal.Heading)] = "The form could not be accepted",
                [nameof(Layout.Refusal.Reasons)] = NoFormToken,
                [nameof(Layout.Refusal.Code)] = "antiforgery",
            });
        }
    }
}
