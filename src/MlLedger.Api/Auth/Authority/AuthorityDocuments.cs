using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Auth.Authority;

/// <summary>One successful fetch of the authority's keys.</summary>
public sealed record AuthorityKeySet(string Issuer, Uri JwksUri, IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt)
{
    public IEnumerable<string> KeyIds => Keys.Select(k => k.KeyId ?? "(no kid)");
}

/// <summary>
/// Reads an authority's discovery document and then its <c>jwks_uri</c> (https:// only) into a key set; anything
/// else than a reachable, well-formed pair is an <see cref="AuthorityFetchException"/> that says what was wrong.
/// </summary>
internal sealed class AuthorityDocuments(HttpClient http, Uri metadata, TimeProvider clock)
{
    public async Task<AuthorityKeySet> FetchAsync(CancellationToken ct)
    {
        using var document = await GetJsonAsync(metadata, ct);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("issuer", out var issuer) || issuer.ValueKind != JsonValueKind.String
            || !document.RootElement.TryGetProperty("jwks_uri", out var jwksUri) || jwksUri.ValueKind != JsonValueKind.String)
        {
            throw new AuthorityFetchException($"{metadata} is not a discovery document: it has no issuer and jwks_uri");
        }

        if (!Uri.TryCreate(jwksUri.GetString(), UriKind.Absolute, out var jwks) || jwks.Scheme != Uri.UriSchemeHttps)
        {
            throw new AuthorityFetchException($"the jwks_uri of {metadata} is not an https:// URL: '{jwksUri.GetString()}'");
        }

        string text;
        using (var answer = await GetAsync(jwks, ct))
        {
            text = await answer.Content.ReadAsStringAsync(ct);
        }

        IList<SecurityKey> keys;
        try
        {
            keys = new JsonWebKeySet(text).GetSigningKeys();
        }
        catch (ArgumentException e)
        {
            throw new AuthorityFetchException($"{jwks} is not a JSON Web Key Set: {e.Message}");
        }

        return keys.Count > 0
            ? new AuthorityKeySet(issuer.GetString()!, jwks, keys.ToList(), clock.GetUtcNow())
            : throw new AuthorityFetchException($"{jwks} holds no signing key");
    }

    private async Task<JsonDocument> GetJsonAsync(Uri address, CancellationToken ct)
    {
        using var answer = await GetAsync(address, ct);
        try
        {
            return JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct));
        }
        catch (JsonException e)
        {
            throw new AuthorityFetchException($"{address} is not JSON: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> GetAsync(Uri address, CancellationToken ct)
    {
        HttpResponseMessage answer;
        try
        {
            answer = await http.GetAsync(address, ct);
        }
        catch (HttpRequestException e)
        {
            throw new AuthorityFetchException($"{address} cannot be reached: {Reasons(e)}");
        }

        if (!answer.IsSuccessStatusCode)
        {
            answer.Dispose();
            throw new AuthorityFetchException($"{address} answered {(int)answer.StatusCode} {answer.ReasonPhrase}");
        }

        return answer;
    }

    /// <summary>The message of an exception and of every exception inside it: a TLS refusal is two levels down.</summary>
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

/// <summary>The authority could not be reached, or answered something else than a discovery document or key set.</summary>
public sealed class AuthorityFetchException(string message) : Exception(message);
