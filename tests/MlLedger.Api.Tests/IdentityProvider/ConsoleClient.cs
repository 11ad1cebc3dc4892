namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// The web console as a client of the test provider: confidential (its secret goes in the token request's body,
/// <c>client_secret_post</c>, as ASP.NET Core's OpenID Connect handler sends it), authorization code with PKCE (S256,
/// required) and refresh tokens. Registered only when the test gives <see cref="OidcProvider.StartAsync"/> the
/// console's address, whose exact <see cref="RedirectUri"/> and <see cref="PostLogoutRedirectUri"/> it accepts.
/// <para>
/// It asks for <see cref="Scope"/>: <c>openid</c> gives <c>sub</c>, <c>roles</c> gives the account's roles as a
/// top-level <c>roles</c> claim (an array of strings) in the ID token and at userinfo. Unless it asks with
/// <c>resource=urn:mlledger</c>, its access token is for userinfo, as an OpenID Connect relying party expects; with it,
/// a ledger token (audience <c>mlledger</c>, <c>roles</c>) as the other clients get.
/// </para>
/// </summary>
public static class ConsoleClient
{
    public const string Id = "mlledger-console";
    public const string Secret = "console-secret-0123456789abcdef";
    public const string Scope = "openid roles";

    /// <summary>Where the provider sends the code back: the default callback path of ASP.NET Core's handler.</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the provider sends the browser after a sign-out the console asked for.</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    public static string RedirectUri(Uri console) => new Uri(console, CallbackPath).AbsoluteUri;

    public static string PostLogoutRedirectUri(Uri console) => new Uri(console, SignedOutCallbackPath).AbsoluteUri;
}
