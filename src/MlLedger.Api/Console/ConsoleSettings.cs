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

    /// <summary>Refuses, before anything starts, a console client that could never sign anyone in.</summary>
    /// <exception cref="Auth.AuthConfigurationException">What is wrong, naming the flag.</exception>
    public void Validate(Auth.JwtSettings jwt)
    {
        if (ClientId is { } id && (id.Length == 0 || id.Any(char.IsControl)))
        {
            throw new Auth.AuthConfigurationException("--console-client-id must be a client id of the OIDC authority");
        }

        if (ClientId is not null && jwt.Authority is null)
        {
            throw new Auth.AuthConfigurationException("--console-client-id needs --jwt-authority: people sign in at the authority that issues the API's tokens");
        }

        if (ClientSecretFile is { } file && (ClientId is null || !File.Exists(file) || File.ReadAllText(file).Trim().Length == 0))
        {
            throw new Auth.AuthConfigurationException(ClientId is null
                ? "--console-client-secret-file needs --console-client-id"
                : $"--console-client-secret-file {file} does not exist or is empty");
        }
    }
}
