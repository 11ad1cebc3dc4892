using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Auth.Authority;
using MlLedger.Api.Tests.IdentityProvider;

namespace MlLedger.Api.Tests.Browser;

/// <summary>
/// The server half of the web console's sign-in, as a test plays it against the test provider with
/// <see cref="ConsoleClient"/>: an authorization request with PKCE (S256), state and nonce built from the discovery
/// document; the code redeemed with the verifier and the client secret; the ID token checked against the provider's
/// published keys. One instance is one sign-in attempt (its own state, nonce and verifier).
/// </summary>
public sealed class ConsoleRelyingParty : IDisposable
{
    private readonly OidcProvider _provider;
    private readonly Uri _console;
    private readonly HttpClient _http;
    private JsonElement? _discovery;

    public ConsoleRelyingParty(OidcProvider provider, Uri console)
    {
        _provider = provider;
        _console = console;
        _http = AuthorityHttp.Create(provider.CaFile);
    }

    public string State { get; } = Random();

    public string Nonce { get; } = Random();

    public string CodeVerifier { get; } = Random();

    public string CodeChallenge => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(CodeVerifier)));

    /// <summary>
    /// Where the console sends the browser to sign in; without PKCE only to see the provider refuse it. The code comes
    /// back in the query of the redirect URI, or, with <paramref name="responseMode"/> <c>form_post</c> (the default of
    /// ASP.NET Core's handler), in a form the browser posts to it.
    /// </summary>
    public async Task<string> AuthorizationUrlAsync(bool withPkce = true, string? responseMode = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = ConsoleClient.Id, ["response_type"] = "code", ["scope"] = ConsoleClient.Scope,
            ["redirect_uri"] = ConsoleClient.RedirectUri(_console), ["state"] = State, ["nonce"] = Nonce,
        };
        if (withPkce)
        {
            parameters["code_challenge"] = CodeChallenge;
            parameters["code_challenge_method"] = "S256";
        }

        if (responseMode is not null)
        {
            parameters["response_mode"] = responseMode;
        }

        return QueryHelpers.AddQueryString(await Endpoint("authorization_endpoint"), parameters);
    }

    /// <summary>Where the console sends the browser to sign out, and back to its signed-out page.</summary>
    public async Task<string> EndSessionUrlAsync(string idToken) =>
        QueryHelpers.AddQueryString(await Endpoint("end_session_endpoint"), new Dictionary<string, string?>
        {
            ["id_token_hint"] = idToken, ["post_logout_redirect_uri"] = ConsoleClient.PostLogoutRedirectUri(_console), ["state"] = State,
        });

    /// <summary>The provider's answer to the code (its token response), failing when it refuses.</summary>
    public async Task<JsonElement> RedeemAsync(string code)
    {
        using var answer = await _http.PostAsync(await Endpoint("token_endpoint"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = ConsoleClient.RedirectUri(_console),
            ["code_verifier"] = CodeVerifier, ["client_id"] = ConsoleClient.Id, ["client_secret"] = ConsoleClient.Secret,
        }));
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"the provider refused the code: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>
    /// The claims of an ID token whose signature (ES256, a key the provider publishes), issuer, audience (the console),
    /// lifetime and nonce hold; fails otherwise.
    /// </summary>
    public async Task<ClaimsIdentity> ValidateIdTokenAsync(string idToken)
    {
        var keys = new JsonWebKeySet(await _http.GetStringAsync(await Endpoint("jwks_uri")));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = _provider.Issuer, ValidAudience = ConsoleClient.Id, IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], RequireSignedTokens = true, RequireExpirationTime = true,
        });
        Assert.True(result.IsValid, $"the ID token is not valid: {result.Exception}");
        Assert.Equal(Nonce, result.ClaimsIdentity.FindFirst("nonce")?.Value);
        return result.ClaimsIdentity;
    }

    /// <summary>What the provider's userinfo endpoint says of the person an access token is for.</summary>
    public async Task<JsonElement> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, await Endpoint("userinfo_endpoint"));
        request.Headers.Authorization = new("Bearer", accessToken);
        using var answer = await _http.SendAsync(request);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"userinfo refused the access token: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> Endpoint(string name)
    {
        _discovery ??= JsonDocument.Parse(await _http.GetStringAsync($"{_provider.Issuer}/.well-known/openid-configuration")).RootElement.Clone();
        return _discovery.Value.GetProperty(name).GetString()!;
    }

    private static string Random() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
