namespace MlLedger.Api.Console;

/// <summary>
/// How people sign in to the console: OpenID Connect (authorization code with PKCE) at the same authority that issues the
/// API's tokens (<see cref="Auth.JwtSettings.Authority"/>), as the client <see cref="ClientId"/>. The client secret is read
/// from a file (never a command-line argument, which other users of the machine can read). Without a client the console
/// only offers sign-in in dev mode; it never lets anyone in unauthenticated.
/// </summary>
public sealed record ConsoleSettings
{
    public string? ClientId { get; init; }

    /// <summary>A file holding the client secret; none for a public client (PKCE only).</summary>
    public string? ClientSecretFile { get; init; }

    /// <summary>Scopes asked for besides <c>openid</c>; the roles claim must reach the ID token or the user info.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["roles"];

    /// <summary>How long a console session lasts without being used.</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromHours(8);

    public bool SignInConfigured(Auth.JwtSettings jwt) => ClientId is not null && jwt.Authority is not null;
}
