using System.Text.Json;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Auth;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>
/// The token issuer the test ledger trusts, configured the production way (issuer + public key file):
/// tokens are real ES256 JWTs validated by the real JwtBearer handler.
/// </summary>
public sealed class TestIssuer : IDisposable
{
    public const string Issuer = "https://issuer.test.mlledger";
    public const string Audience = "mlledger";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();

    public string Token(string subject, params string[] roles) =>
        TokenMinter.Mint(new ECDsaSecurityKey(Key), SecurityAlgorithms.EcdsaSha256, Issuer, Audience, subject, roles,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));

    /// <summary>A token with any claim or lifetime set wrong, for the negative cases.</summary>
    public string Token(string subject, string[] roles, string issuer = Issuer, string audience = Audience,
        DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null, ECDsa? signWith = null) =>
        TokenMinter.Mint(new ECDsaSecurityKey(signWith ?? Key), SecurityAlgorithms.EcdsaSha256, issuer, audience, subject, roles,
            issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromMinutes(30), notBefore);

    /// <summary>The claims of a valid token with no signature at all (<c>alg: none</c>).</summary>
    public static string AlgNone(string subject, string[] roles)
    {
        var now = DateTimeOffset.UtcNow;
        return $"{Segment(new { alg = "none", typ = "JWT" })}.{Segment(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = subject, ["roles"] = roles,
            ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(30).ToUnixTimeSeconds(),
        })}.";
    }

    /// <summary>The alg-confusion attack: the trusted issuer's public key, which anyone has, used as an HMAC secret.</summary>
    public static string Hs256KeyedWith(byte[] publicKey, string subject, string[] roles) =>
        TokenMinter.Mint(new SymmetricSecurityKey(publicKey), SecurityAlgorithms.HmacSha256, Issuer, Audience, subject, roles,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));

    /// <summary>One base64url segment of a hand-built JWT.</summary>
    public static string Segment(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    public void Dispose() => Key.Dispose();
}
