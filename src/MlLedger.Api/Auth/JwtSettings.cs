namespace MlLedger.Api.Auth;

/// <summary>
/// How bearer tokens are validated. Production names an OIDC authority, or an issuer with a public key
/// (PEM) or a JWKS file. Dev mode uses a local issuer whose key lives in the data directory.
/// There is no setting that turns validation off.
/// </summary>
public sealed record JwtSettings
{
    public const string DevIssuer = "mlledger-dev";
    public const string DefaultAudience = "mlledger";

    public string? Authority { get; init; }
    public string? Issuer { get; init; }
    public string Audience { get; init; } = DefaultAudience;

    /// <summary>Where the roles are in a token and how its subject is compared.</summary>
    public ClaimMapping Claims { get; init; } = ClaimMapping.Default;

    public string? PublicKeyPemFile { get; init; }
    public string? JwksFile { get; init; }

    /// <summary>Tolerated clock difference between issuer and ledger.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}
