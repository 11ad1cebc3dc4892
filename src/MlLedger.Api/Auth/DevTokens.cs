using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Keys;

namespace MlLedger.Api.Auth;

/// <summary>
/// The dev-mode token issuer: an ES256 key kept 0600 in the keys directory. Only a ledger started
/// in dev mode trusts it; `mlledger token` mints tokens with it.
/// </summary>
public sealed class DevTokens : IDisposable
{
    public const string KeyFile = "dev-token-signing-key.pem";
    private readonly ECDsa _key;

    private DevTokens(ECDsa key) => _key = key;

    public static DevTokens LoadOrCreate(string keysDirectory)
    {
        var path = Path.Combine(keysDirectory, KeyFile);
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(KeyFiles.ReadPrivate(path));
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            KeyFiles.WritePrivate(path, key.ExportPkcs8PrivateKeyPem());
        }

        return new DevTokens(key);
    }

    public static DevTokens Load(string keysDirectory)
    {
        var path = Path.Combine(keysDirectory, KeyFile);
        if (!File.Exists(path))
        {
            throw new KeyFileException(
                $"no dev token key at {path}: start the ledger in dev mode once (it creates the key), or pass the right --data-dir");
        }

        var key = ECDsa.Create();
        key.ImportFromPem(KeyFiles.ReadPrivate(path));
        return new DevTokens(key);
    }

    public SecurityKey ValidationKey => new ECDsaSecurityKey(ECDsa.Create(_key.ExportParameters(false)));

    /// <remarks>
    /// The signing key is not cached by the token library: its cache is process-wide and keyed by the key's public
    /// parameters, so a second <see cref="DevTokens"/> of the same key file, after this one is disposed, would be handed
    /// a signer of the disposed key.
    /// </remarks>
    public string Mint(string subject, IReadOnlyCollection<string> roles, TimeSpan lifetime, DateTimeOffset now) =>
        TokenMinter.Mint(new ECDsaSecurityKey(_key) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } },
            SecurityAlgorithms.EcdsaSha256, JwtSettings.DevIssuer, JwtSettings.DefaultAudience, subject, roles, now, lifetime);

    public void Dispose() => _key.Dispose();
}

/// <summary>Builds a signed JWT with the claims the ledger reads: sub, roles, iss, aud, iat, nbf, exp, jti.</summary>
public static class TokenMinter
{
    public static string Mint(SecurityKey key, string algorithm, string issuer, string audience, string subject,
        IReadOnlyCollection<string> roles, DateTimeOffset now, TimeSpan lifetime, DateTimeOffset? notBefore = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (notBefore ?? now).UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["roles"] = roles.ToArray(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
