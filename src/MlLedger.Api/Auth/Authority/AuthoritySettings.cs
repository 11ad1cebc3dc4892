using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MlLedger.Api.Auth.Authority;

/// <summary>
/// What an OIDC authority configuration (<c>--jwt-authority</c> and its companions) must be before the ledger starts:
/// an https:// URL, a readable CA file holding certificates only, and refresh bounds that keep keys in use between
/// two refreshes.
/// </summary>
public static class AuthoritySettings
{
    /// <summary>The longest refresh interval: the background wait must stay within what a timer can wait.</summary>
    private static readonly TimeSpan MaxKeysRefresh = TimeSpan.FromDays(30);

    /// <summary>Throws <see cref="AuthConfigurationException"/> naming the first thing wrong with the authority settings.</summary>
    public static void Validate(JwtSettings jwt)
    {
        if (jwt.Authority is null)
        {
            if (jwt.AuthorityCaFile is not null)
            {
                throw new AuthConfigurationException("--jwt-authority-ca goes with --jwt-authority: it is the CA of the authority's TLS certificate");
            }

            return;
        }

        if (!Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
        {
            throw new AuthConfigurationException(
                $"--jwt-authority must be an https:// URL: the token signing keys are only fetched over TLS (got '{jwt.Authority}'); " +
                "for a provider with an internal CA, give its CA certificates with --jwt-authority-ca");
        }

        if (authority.Query.Length > 0 || authority.Fragment.Length > 0 || authority.UserInfo.Length > 0)
        {
            throw new AuthConfigurationException($"--jwt-authority must be the issuer URL, without credentials, query or fragment (got '{jwt.Authority}')");
        }

        if (jwt.KeysRefresh < TimeSpan.FromSeconds(1) || jwt.KeysRefresh > MaxKeysRefresh)
        {
            throw new AuthConfigurationException("--jwt-keys-refresh must be at least 1s and at most 720h");
        }

        if (jwt.KeysMaxAge < 2 * jwt.KeysRefresh)
        {
            throw new AuthConfigurationException(
                $"--jwt-keys-max-age ({jwt.KeysMaxAge}) must be at least twice --jwt-keys-refresh ({jwt.KeysRefresh}): " +
                "otherwise one late refresh would drop the keys and refuse every token");
        }

        if (jwt.AuthorityCaFile is { } caFile)
        {
            _ = TrustedCertificates(caFile);
        }
    }

    /// <summary>The discovery document's address (OpenID Connect Discovery 1.0 §4).</summary>
    public static Uri MetadataAddress(string authority) => new(authority.TrimEnd('/') + "/.well-known/openid-configuration");

    /// <summary>
    /// The token issuers accepted: exactly <c>--jwt-issuer</c> when given; otherwise the authority itself, written
    /// with or without a trailing slash (providers differ, and the discovery document names which one it is).
    /// </summary>
    public static string[] ExpectedIssuers(JwtSettings jwt) =>
        jwt.Issuer is { } issuer ? [issuer] : [jwt.Authority!.TrimEnd('/'), jwt.Authority!.TrimEnd('/') + "/"];

    /// <summary>The certificates of a PEM bundle (at least one; a private key is refused). <paramref name="flag"/> names it in errors.</summary>
    public static X509Certificate2Collection TrustedCertificates(string caFile, string flag = "--jwt-authority-ca")
    {
        string pem;
        try
        {
            pem = File.ReadAllText(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuthConfigurationException($"{flag} {caFile} cannot be read: {e.Message}");
        }

        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new AuthConfigurationException($"{flag} {caFile} holds a private key; give only the CA certificates");
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new AuthConfigurationException($"{flag} {caFile} is not a PEM bundle of certificates: {e.Message}");
        }

        return certificates.Count > 0
            ? certificates
            : throw new AuthConfigurationException($"{flag} {caFile} holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
}
