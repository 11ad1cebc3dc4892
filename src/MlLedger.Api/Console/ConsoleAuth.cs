using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using MlLedger.Api.Auth;
using MlLedger.Api.Auth.Authority;

namespace MlLedger.Api.Console;

/// <summary>
/// The console's session: people sign in at the OpenID provider, and the ledger keeps an HttpOnly cookie that holds the
/// principal the ID token gave (issuer, canonical subject, roles mapped exactly as the API maps a bearer token's). No
/// token is kept, and none ever reaches a page. Which scheme authenticates a request (<see cref="Select"/>): a bearer token
/// when one is sent; else the cookie for console pages, and for the API's GET endpoints when the browser says the request
/// comes from the console itself (Sec-Fetch-Site same-origin or none), so a link on a console page (a Sigstore bundle, a
/// report) works with the session while another site cannot make the browser call the API with it.
/// </summary>
internal static class ConsoleAuth
{
    public const string Scheme = "console";
    public const string OidcScheme = "oidc";
    public const string Selector = "ledger";
    public const string CookieName = "mlledger-console";

    /// <summary>Console pages: people (approvers, auditors, admins); a pipeline identity gets a 403 page.</summary>
    public const string People = "console-people";

    public static AuthenticationBuilder AddConsoleAuth(this AuthenticationBuilder auth, ConsoleSettings console, JwtSettings jwt, bool devMode,
        string keysDirectory)
    {
        auth.AddPolicyScheme(Selector, "bearer token or console session", o => o.ForwardDefaultSelector = Select);
        auth.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure on HTTPS
            cookie.ExpireTimeSpan = console.SessionIdle;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.AccessDeniedPath = "/forbidden";
            cookie.ReturnUrlParameter = "returnUrl";
        });
        if (console.SignInConfigured(jwt) && !devMode)
        {
            auth.AddOpenIdConnect(OidcScheme, oidc => Configure(oidc, console, jwt));
        }

        return auth;
    }

    public static void AddPolicies(AuthorizationOptions options) =>
        options.AddPolicy(People, p => p.RequireAuthenticatedUser().RequireRole(Roles.Approver, Roles.Auditor, Roles.Admin));

    private static string Select(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.Authorization.Count > 0)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        if (!request.Path.StartsWithSegments("/v1"))
        {
            return Scheme;
        }

        var fromConsole = request.Headers["Sec-Fetch-Site"].FirstOrDefault() is "same-origin" or "none";
        return fromConsole && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Cookies.ContainsKey(CookieName)
            ? Scheme
            : JwtBearerDefaults.AuthenticationScheme;
    }

    private static void Configure(OpenIdConnectOptions oidc, ConsoleSettings console, JwtSettings jwt)
    {
        oidc.SignInScheme = Scheme;
        oidc.Authority = jwt.Authority;
        oidc.ClientId = console.ClientId;
        oidc.ClientSecret = console.ClientSecretFile is { } file ? File.ReadAllText(file).Trim() : null;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        // the code comes back in the query of a top-level redirect, which carries SameSite=Lax cookies across sites; a form post
        // from the provider would need SameSite=None cookies, which browsers keep only over HTTPS
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.Scope.Clear();
        oidc.Scope.Add("openid");
        foreach (var scope in console.Scopes)
        {
            oidc.Scope.Add(scope);
        }

        oidc.SaveTokens = false; // the session keeps who signed in, never a token
        oidc.MapInboundClaims = false;
        oidc.ClaimActions.Clear(); // the principal is built once, below: the defaults would delete its issuer

        oidc.GetClaimsFromUserInfoEndpoint = false;
        oidc.RequireHttpsMetadata = true;
        oidc.Backchannel = AuthorityHttp.Create(jwt.AuthorityCaFile);
        oidc.CallbackPath = "/signin-oidc";
        oidc.SignedOutCallbackPath = "/signout-callback-oidc";
        oidc.SignedOutRedirectUri = "/signed-out";
        oidc.TokenValidationParameters.NameClaimType = TokenIdentity.SubjectClaim;
        oidc.TokenValidationParameters.RoleClaimType = TokenIdentity.RoleClaim;
        oidc.TokenValidationParameters.ValidAlgorithms = AuthSetup.AllowedAlgorithms;
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.Events.OnTokenValidated = context =>
        {
            if (context.SecurityToken is not { RawPayload: { } rawPayload })
            {
                context.Fail("The ID token could not be read.");
                return Task.CompletedTask;
            }

            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(rawPayload));
            var (identity, refusal) = TokenIdentity.From(payload.RootElement, jwt.Claims, Scheme, out _);
            if (identity is null)
            {
                context.Fail(refusal!.Detail);
                return Task.CompletedTask;
            }

            context.Principal = new ClaimsPrincipal(identity);
            return Task.CompletedTask;
        };
    }
}
