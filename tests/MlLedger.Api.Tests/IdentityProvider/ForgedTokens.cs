using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary>
/// Tokens anyone can write: the provider's issuer, the ledger's audience, a fresh lifetime, roles admin, signed with a
/// key of their own under a key id the provider never published.
/// </summary>
public static class ForgedTokens
{
    private static readonly string[] Admin = ["admin"];

    public static string With(string kid, string issuer, string audience = OidcProvider.Audience)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["roles"] = Admin },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
