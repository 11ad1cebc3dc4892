using MlLedger.Api.Auth;

namespace MlLedger.Cli.Login;

/// <summary>
/// The bearer token a command sends: <c>--token</c>, else <c>MLLEDGER_TOKEN</c>, else the cached login of
/// <c>MLLEDGER_AUTHORITY</c> and <c>MLLEDGER_CLIENT_ID</c> when both are set, else the login made last. A cached token
/// that expires within <see cref="RenewBefore"/> is renewed first: with its refresh token, or for client credentials
/// with the secret from <c>MLLEDGER_CLIENT_SECRET</c> or the secret file the login named.
/// </summary>
internal static class BearerTokens
{
    public const string Variable = "MLLEDGER_TOKEN";

    /// <summary>How long before its expiry a cached token is replaced, so that it does not expire on the way.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);

    /// <summary>What a command says when it has no token.</summary>
    public const string Required = "a token is required: --token or MLLEDGER_TOKEN, or sign in once with `mlledger login`";

    /// <summary>The token to send, or null (with the reason written to <paramref name="error"/> when a cached login could not be renewed).</summary>
    public static async Task<string?> ForCommandAsync(string? given, TextWriter error, CancellationToken ct, TimeProvider? clock = null)
    {
        if (given?.Trim() is { Length: > 0 } token)
        {
            return token;
        }

        if (Environment.GetEnvironmentVariable(Variable)?.Trim() is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var login = LoginSettings.Authority is { } authority && LoginSettings.ClientId is { } clientId
            ? TokenCache.Load(authority, clientId)
            : TokenCache.Latest();
        if (login is null)
        {
            return null;
        }

        clock ??= TimeProvider.System;
        if (login.ExpiresAt is not { } expires || expires - clock.GetUtcNow() > RenewBefore)
        {
            return login.AccessToken;
        }

        try
        {
            return (await RenewAsync(login, clock, ct)).AccessToken;
        }
        catch (Exception e) when (e is LoginException or AuthConfigurationException)
        {
            error.WriteLine($"mlledger: the login to {login.Authority} (client {login.ClientId}) expired and could not be renewed: {e.Message}");
            return null;
        }
    }

    /// <summary>A fresh token for a cached login, saved in its place.</summary>
    public static async Task<CachedLogin> RenewAsync(CachedLogin login, TimeProvider clock, CancellationToken ct)
    {
        using var provider = new ProviderClient(login.Authority, login.AuthorityCa, clock);
        var secret = login.Grant == CachedLogin.ClientCredentials ? LoginSettings.Secret(login.SecretFile) : null;
        IssuedToken issued;
        IssuedToken? refreshed = null;
        if (login.RefreshToken is { } refresh)
        {
            try
            {
                refreshed = await provider.RefreshAsync(login.ClientId, secret, refresh, login.Resource, ct);
            }
            catch (LoginException) when (login.Grant == CachedLogin.ClientCredentials && secret is not null)
            {
                // a refresh token the provider no longer honours: the client's own credentials still get a token
            }
        }

        if (refreshed is not null)
        {
            issued = refreshed;
        }
        else if (login.Grant == CachedLogin.ClientCredentials)
        {
            issued = await provider.ClientCredentialsAsync(login.ClientId,
                secret ?? throw new LoginException($"no client secret: set MLLEDGER_CLIENT_SECRET{(login.SecretFile is { } file ? $" or restore {file}" : "")}"),
                login.Scope, login.Resource, ct);
        }
        else
        {
            throw new LoginException(login.RefreshToken is null
                ? "the provider gave no refresh token: run `mlledger login` again"
                : "the provider refused the refresh token: run `mlledger login` again");
        }

        var renewed = login with { AccessToken = issued.AccessToken, ExpiresAt = issued.ExpiresAt, RefreshToken = issued.RefreshToken ?? login.RefreshToken };
        TokenCache.Save(renewed);
        return renewed;
    }
}
