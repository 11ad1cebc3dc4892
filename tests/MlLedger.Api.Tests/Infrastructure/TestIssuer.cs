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

    public void Dispose() => Key.Dispose();
}
