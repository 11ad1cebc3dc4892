using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using MlLedger.Api.Auth.Authority;
using MlLedger.Api.Console;

namespace MlLedger.Api.Auth;

internal static class AuthSetup
{
    /// <summary>Asymmetric algorithms only: no "none", no HMAC (a public key can never be used as an HMAC secret).</summary>
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    public static IServiceCollection AddLedgerAuth(this IServiceCollection services, JwtSettings jwt, SecurityKey? devKey,
        Console.ConsoleSettings console, string keysDirectory)
    {
        var parameters = Parameters(jwt, devKey); // at start-up: a ledger without token validation never starts
        services
            .AddAuthentication(Console.ConsoleAuth.Selector) // a bearer token for the API, the console's session for its pages
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.IncludeErrorDetails = false;
                options.TokenValidationParameters = parameters;
                // one reading of the token, a canonical subject, the mapped roles, and a 401 that says why
                options.UseLedgerTokenRules(jwt.Claims);
            })
            .AddConsoleAuth(console, jwt, devMode: devKey is not null, keysDirectory);
        if (devKey is null && jwt.Authority is not null)
        {
            services.AddAuthorityKeys(jwt); // signing keys fetched over TLS and refreshed by the ledger itself
        }

        services.AddAuthorization(options =>
        {
            LedgerPolicies.Add(options);
            Console.ConsoleAuth.AddPolicies(options);
        });
        return services;
    }

    private static TokenValidationParameters Parameters(JwtSettings jwt, SecurityKey? devKey)
    {
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = AllowedAlgorithms,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };

        if (devKey is not null)
        {
            if (jwt.Authority is not null || jwt.Issuer is not null || jwt.PublicKeyPemFile is not null || jwt.JwksFile is not null)
            {
                throw new AuthConfigurationException("--dev cannot be combined with a configured token issuer (--jwt-*): choose one");
            }

            parameters.ValidIssuer = JwtSettings.DevIssuer;
            parameters.IssuerSigningKey = devKey;
            return parameters;
        }

        if (jwt.Authority is not null)
        {
            AuthoritySettings.Validate(jwt);
            parameters.ValidIssuers = AuthoritySettings.ExpectedIssuers(jwt); // --jwt-issuer narrows: the discovery document adds none
            return parameters; // signing keys come from the authority's discovery document (AuthorityKeys)
        }

        if (jwt.Issuer is null && jwt.PublicKeyPemFile is null && jwt.JwksFile is null)
        {
            throw new AuthConfigurationException(
                "no token validation configured: give an OIDC authority (--jwt-authority), or an issuer with a public key " +
                "(--jwt-issuer and --jwt-public-key) or JWKS file (--jwt-jwks); for local use only, start with --dev");
        }

        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            throw new AuthConfigurationException("a token issuer is required with a public key or JWKS file (--jwt-issuer)");
        }

        parameters.ValidIssuer = jwt.Issuer;
        parameters.IssuerSigningKeys = SigningKeys(jwt);
        return parameters;
    }

    private static List<SecurityKey> SigningKeys(JwtSettings jwt)
    {
        if (jwt.PublicKeyPemFile is { } pemFile)
        {
            return [PublicKeyFromPem(File.ReadAllText(pemFile), pemFile)];
        }

        if (jwt.JwksFile is { } jwksFile)
        {
            var keys = new JsonWebKeySet(File.ReadAllText(jwksFile)).GetSigningKeys();
            return keys.Count > 0 ? keys.ToList() : throw new AuthConfigurationException($"{jwksFile} holds no signing keys");
        }

        throw new AuthConfigurationException(
            "no token validation configured: give an OIDC authority (--jwt-authority), or an issuer with a public key " +
            "(--jwt-issuer and --jwt-public-key) or JWKS file (--jwt-jwks); for local use only, start with --dev");
    }

    private static SecurityKey PublicKeyFromPem(string pem, string source)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new AuthConfigurationException($"{source} holds a private key; give the issuer's public key");
        }

        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (CryptographicException)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
    }
}

public sealed class AuthConfigurationException(string message) : Exception(message);
