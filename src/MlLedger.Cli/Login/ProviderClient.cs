using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using MlLedger.Api.Auth.Authority;

namespace MlLedger.Cli.Login;

/// <summary>The grant could not be completed: the provider refused, or could not be reached.</summary>
internal sealed class LoginException(string message) : Exception(message);

/// <summary>A token the provider issued.</summary>
internal sealed record IssuedToken(string AccessToken, DateTimeOffset? ExpiresAt, string? RefreshToken);

/// <summary>What the person signing in must do while <see cref="ProviderClient.DeviceAsync"/> waits.</summary>
internal sealed record DeviceSignIn(string VerificationUri, string? VerificationUriComplete, string UserCode, TimeSpan ExpiresIn);

/// <summary>
/// The OAuth 2.0 grants <c>mlledger login</c> uses, against an OIDC provider found by discovery: client credentials
/// (RFC 6749 §4.4), device authorization (RFC 8628) and refresh (RFC 6749 §6). Over TLS only, trusting the machine's
/// CAs or only those of a CA file, as the ledger does for its authority.
/// </summary>
internal sealed class ProviderClient(string authority, string? caFile, TimeProvider clock) : IDisposable
{
    private readonly HttpClient _http = AuthorityHttp.Create(caFile, "--authority-ca");

    public async Task<IssuedToken> ClientCredentialsAsync(string clientId, string secret, string? scope, string? resource, CancellationToken ct)
    {
        var discovery = await DiscoverAsync(ct);
        var request = new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, Scope = scope,
        };
        if (resource is not null)
        {
            request.Resource.Add(resource);
        }

        return Issued(await _http.RequestClientCredentialsTokenAsync(request, ct));
    }

    public async Task<IssuedToken> RefreshAsync(string clientId, string? secret, string refreshToken, string? resource, CancellationToken ct)
    {
        var discovery = await DiscoverAsync(ct);
        var request = new RefreshTokenRequest
        {
            Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, ClientCredentialStyle = Style(secret), RefreshToken = refreshToken,
        };
        if (resource is not null)
        {
            request.Resource.Add(resource);
        }

        return Issued(await _http.RequestRefreshTokenAsync(request, ct));
    }

    /// <summary>
    /// The device authorization grant: asks for a code, hands it to <paramref name="show"/>, then polls the token
    /// endpoint at the interval the provider asks for until the person has approved, refused, or the code expired.
    /// </summary>
    public async Task<IssuedToken> DeviceAsync(string clientId, string? secret, string? scope, string? resource, Action<DeviceSignIn> show,
        CancellationToken ct)
    {
        var discovery = await DiscoverAsync(ct);
        if (string.IsNullOrEmpty(discovery.DeviceAuthorizationEndpoint))
        {
            throw new LoginException($"{authority} offers no device authorization (RFC 8628): sign in with client credentials " +
                                     "(MLLEDGER_CLIENT_SECRET or --client-secret-file) or get a token another way and pass --token");
        }

        var authorization = new DeviceAuthorizationRequest
        {
            Address = discovery.DeviceAuthorizationEndpoint, ClientId = clientId, ClientSecret = secret, ClientCredentialStyle = Style(secret), Scope = scope,
        };
        if (resource is not null)
        {
            authorization.Parameters.Add("resource", resource);
        }

        var device = await _http.RequestDeviceAuthorizationAsync(authorization, ct);
        if (device.IsError || device.DeviceCode is null || device.UserCode is null || device.VerificationUri is null)
        {
            throw new LoginException($"{authority} refused the device authorization: {Describe(device.Error, device.ErrorDescription, device)}");
        }

        var expires = clock.GetUtcNow() + TimeSpan.FromSeconds(device.ExpiresIn ?? 600);
        show(new DeviceSignIn(device.VerificationUri, device.VerificationUriComplete, device.UserCode, expires - clock.GetUtcNow()));
        var interval = TimeSpan.FromSeconds(Math.Max(device.Interval, 1));
        while (clock.GetUtcNow() < expires)
        {
            await Task.Delay(interval, clock, ct);
            var token = await _http.RequestDeviceTokenAsync(
                new DeviceTokenRequest
                {
                    Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, ClientCredentialStyle = Style(secret), DeviceCode = device.DeviceCode,
                }, ct);
            switch (token.Error)
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5); // RFC 8628 §3.5
                    continue;
                case "access_denied":
                    throw new LoginException("the sign-in was refused");
                case "expired_token":
                    throw new LoginException("the code expired before the sign-in was approved: run mlledger login again");
                default:
                    return Issued(token);
            }
        }

        throw new LoginException("the code expired before the sign-in was approved: run mlledger login again");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A public client (no secret) names itself in the body; a confidential one authenticates with HTTP Basic.</summary>
    private static ClientCredentialStyle Style(string? secret) => secret is null ? ClientCredentialStyle.PostBody : ClientCredentialStyle.AuthorizationHeader;

    private async Task<DiscoveryDocumentResponse> DiscoverAsync(CancellationToken ct)
    {
        var discovery = await _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = authority,
            Policy = new DiscoveryPolicy
            {
                RequireHttps = true, AllowHttpOnLoopback = false, ValidateIssuerName = true, RequireKeySet = false,
                ValidateEndpoints = false, // some providers serve their token endpoint from another host (all must still be https)
            },
        }, ct);
        if (discovery.IsError || string.IsNullOrEmpty(discovery.TokenEndpoint))
        {
            throw new LoginException($"the discovery document of {authority} cannot be used: {discovery.Error ?? "it names no token endpoint"}" +
                                     (discovery.Exception is { } e ? $" ({Reasons(e)})" : ""));
        }

        return discovery;
    }

    private IssuedToken Issued(TokenResponse token)
    {
        if (token.IsError || string.IsNullOrEmpty(token.AccessToken))
        {
            throw new LoginException($"{authority} issued no token: {Describe(token.Error, token.ErrorDescription, token)}");
        }

        DateTimeOffset? expires = token.ExpiresIn > 0 ? clock.GetUtcNow().AddSeconds(token.ExpiresIn) : ExpiryOf(token.AccessToken);
        return new IssuedToken(token.AccessToken, expires, token.RefreshToken);
    }

    /// <summary>The <c>exp</c> of a JWT access token, read without checking it (the ledger checks it); null for other tokens.</summary>
    private static DateTimeOffset? ExpiryOf(string accessToken)
    {
        try
        {
            var exp = new JsonWebToken(accessToken).ValidTo;
            return exp == DateTime.MinValue ? null : new DateTimeOffset(exp, TimeSpan.Zero);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Describe(string? error, string? description, ProtocolResponse response) =>
        (response.TryGet("error") ?? error, description ?? response.TryGet("error_description"), response.Exception) switch
        {
            (_, _, { } e) => Reasons(e),
            ({ } code, { Length: > 0 } text, _) => $"{code}: {text}",
            ({ } code, _, _) => $"{code} (HTTP {(int)response.HttpStatusCode})",
            _ => $"HTTP {(int)response.HttpStatusCode}",
        };

    private static string Reasons(Exception e)
    {
        var reasons = new List<string>();
        for (var inner = (Exception?)e; inner is not null; inner = inner.InnerException)
        {
            reasons.Add(inner.Message);
        }

        return string.Join(" <- ", reasons.Distinct());
    }
}
