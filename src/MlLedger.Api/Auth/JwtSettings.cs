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

    /// <summary>
    /// PEM file of the CA certificates the authority's TLS certificate must chain to, instead of the machine's trust
    /// store (an internal provider with an internal CA). Host name and chain are still validated.
    /// </summary>
    public string? AuthorityCaFile { get; init; }

    /// <summary>How often the authority's signing keys are fetched again: a key it removed is refused from then on.</summary>
    public TimeSpan KeysRefresh { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long signing keys are used after the last fetch that succeeded, while the authority cannot be reached:
    /// past it no token is accepted until it answers again.
    /// </summary>
    public TimeSpan KeysMaxAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A token signed with a key id the ledger does not know triggers a fetch of the keys at most this often: anyone
    /// can send such a token, so it must not drive requests to the authority.
    /// </summary>
    public TimeSpan UnknownKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tolerated clock difference between issuer and ledger.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}
